#ifndef CU_DEPS_DUTIL_H
#define CU_DEPS_DUTIL_H
/* Small string helpers shared by the structure-driven deps/ checks (rules_struct.c,
 * npmrc.c, trees.c, project.c, diff.c). Pure functions; no allocation unless stated. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/common.h"

/* Splits "scheme://[userinfo@]host[:port]/path": the scheme and host are lower-cased into the
 * buffers (cut to fit), *path points into url at the first '/' after the host ("" when none).
 * Also accepts scp-like git "git@host:path" (scheme "ssh"). False when url is no URL. */
bool cu_dx_url(const char *url,
               char *scheme,
               size_t scap,
               char *host,
               size_t hcap,
               const char **path,
               bool *has_userinfo);
/* Case-insensitive substring search. */
bool cu_dx_contains(const char *hay, const char *needle);
/* Case-insensitive search for `word` delimited by non-[A-Za-z0-9_] characters (or the ends). */
bool cu_dx_word(const char *hay, const char *word);
bool cu_dx_is_hex(const char *s, size_t n);
/* True when the git reference in `s` (after the last '#', or after the last '@' of a pip VCS
 * URL) is a full 40- or 64-hex commit id. */
bool cu_dx_git_pinned(const char *s);
/* Levenshtein distance of a and b, stopping early: returns max+1 when larger than max. */
size_t cu_dx_distance(const char *a, const char *b, size_t max);
/* The same over a[0..la) and b[0..lb), ASCII case folded when `fold`; max + 1 also when either
 * is longer than 255. */
size_t cu_dx_osa(const char *a, size_t la, const char *b, size_t lb, size_t max, bool fold);
/* The public registries of npm and PyPI (the default allowlist). */
bool cu_dx_public_host(const char *host);
/* True when npm `name` ("@acme/x") lies in `scope` ("@acme" or "acme"). */
bool cu_dx_in_scope(const char *name, const char *scope);
/* True when the PEP 503-normalised `name` starts with the normalised `prefix`. */
bool cu_dx_has_prefix_pypi(const char *name, const char *prefix);
/* Line number (1-based) of byte offset `off` in data. */
uint32_t cu_dx_line_of(const uint8_t *data, size_t len, size_t off);

/* Reads a whole text source (at most `limit` bytes, no NUL byte) into a fresh NUL-terminated
 * buffer. Returns 0 or CUSTODY_ELIMIT / EMALFORMED / EIO / ENOMEM with err set. */
struct cu_source;
int cu_dx_read_text(
    struct cu_source *src, size_t limit, char **out, size_t *len, custody_error *err);

#endif
