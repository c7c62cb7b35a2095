#ifndef CU_BOM_INT_H
#define CU_BOM_INT_H
/* The BOM's internal model (bom.c builds it from a scan; cyclonedx.c and spdx.c render it). */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody/bom.h"
#include "custody/scan.h"

enum cu_bom_kind { CU_BOM_MODEL = 0, CU_BOM_DATA = 1 };

struct cu_bom_file {
    char *rel;  /* name inside the item ('/'-separated); the basename for a lone file */
    char *path; /* display path */
    uint8_t sha256[32];
    const custody_file *cf; /* the scan's record, NULL when the scan did not walk it */
};

struct cu_bom_fact {
    char *key;
    char *value;
};

struct cu_bom_item {
    enum cu_bom_kind kind;
    char *path; /* directory or file, as walked */
    bool is_dir;
    char *name;
    char *ref; /* bom-ref / SPDX id suffix, unique */
    struct cu_bom_file *files;
    size_t nfiles, capfiles;
    uint8_t root[32];
    bool have_root;
    struct cu_bom_fact *facts; /* merged, de-duplicated, in first-seen order */
    size_t nfacts, capfacts;
    custody_severity max_sev; /* over all findings (nall of them) */
    size_t nall;
    size_t nfindings; /* at or above low; their rule ids in rules */
    char **rules;     /* sorted, unique */
    size_t nrules, caprules;
    char *signature; /* relative name of a signature file next to the model, or NULL */
    char *card;      /* relative name of README.md, or NULL */
};

/* A scan component (library, skill, MCP server), de-duplicated. */
struct cu_bom_comp {
    const custody_component *c;
    char *ref;
    size_t order; /* index in the scan's components */
};

struct cu_bom {
    struct cu_bom_item *items; /* models then datasets, each sorted by path */
    size_t nitems, capitems;
    struct cu_bom_comp *comps;
    size_t ncomps;
    char created[32]; /* ISO 8601 UTC */
    char uuid[37];    /* derived from the content: serial number / SPDX namespace */
    const char *spec;
    const char *subject; /* metadata.component name, or NULL */
};

/* A fact's first value, NULL when none. */
const char *cu_bom_fact(const struct cu_bom_item *it, const char *key);
/* Calls fn for every value of key, in order. */
size_t cu_bom_fact_count(const struct cu_bom_item *it, const char *key);
const char *cu_bom_fact_at(const struct cu_bom_item *it, const char *key, size_t i);

/* The SPDX licence id spelled as the list spells it when `s` matches one case-insensitively,
 * else NULL. */
const char *cu_spdx_id(const char *s);
extern const char *const cu_spdx_ids[];
extern const size_t cu_spdx_ids_len;

/* CycloneDX component type for a scan component kind. */
const char *cu_bom_comp_type(const char *kind);

/* Lower-case hex of 32 bytes into out[65]. */
void cu_bom_hex(const uint8_t d[32], char out[65]);

/* The two renderers: build the document (a new reference) or NULL on ENOMEM. */
json_t *cu_bom_cyclonedx(const struct cu_bom *b);
json_t *cu_bom_spdx(const struct cu_bom *b);

/* Reads README.md front matter / a LICENSE text into facts (card.c). */
int cu_bom_read_card(struct cu_bom_item *it, const char *path);
/* The same on a NUL-terminated text of len bytes (at most what read_card reads). */
int cu_bom_parse_card(struct cu_bom_item *it, const char *text, size_t len);
/* bom diff's reader on a buffer: 0, CUSTODY_EMALFORMED or CUSTODY_ENOMEM (fuzzing). */
int cu_bom_diff_parse(const uint8_t *data, size_t len);
int cu_bom_read_license(struct cu_bom_item *it, const char *path);
/* Adds a fact (copied; duplicates of key+value ignored). Returns 0 or CUSTODY_ENOMEM. */
int cu_bom_add_fact(struct cu_bom_item *it, const char *key, const char *value);

#endif
