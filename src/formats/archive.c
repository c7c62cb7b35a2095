/* Archives through libarchive (see archive.h). One libarchive handle walks the headers; the
 * member being analysed borrows it while it is positioned at that member, and a member that
 * must restart (a reader seeking backwards) reopens the archive on its own handle and skips
 * to its index. Everything is read through the parent cu_source. */
#include "formats/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/util.h"
#include "formats/compress.h"
#include "core/banned.h"

#define AR_CHUNK   (64u << 10)
#define AR_RETRIES 64

struct ar_io {
    struct cu_source *parent;
    uint64_t pos;
    uint8_t *buf;
    int rc; /* the first error the parent source reported to a callback */
    custody_error err;
};

struct ar_handle {
    struct archive *a;
    struct ar_io io;
};

struct ar_shared {
    struct ar_handle h;
    size_t index;    /* entry the shared handle is positioned at */
    bool claimed;    /* a member has started reading that entry's data */
    bool compressed; /* the format compresses member data (7z, rar) */
    bool unix_ar;    /* an ar archive (static libraries, .deb) */
    uint64_t ratio_base;
};

struct ar_member {
    struct ar_shared *sh;
    size_t index;
    struct ar_handle priv;
    struct ar_handle *cur;
    char *loc;
    uint64_t out_total;
    int pend_rc;
    custody_error pend_err;
};

/* ---- libarchive callbacks over a cu_source ---- */

static la_ssize_t ar_read_cb(struct archive *a, void *ud, const void **out)
{
    struct ar_io *io = ud;
    size_t got = 0;
    *out = io->buf;
    if (io->rc < 0) {
        archive_set_error(a, EIO, "%s", io->err.msg);
        return -1;
    }
    int rc = cu_source_read(io->parent, io->pos, io->buf, AR_CHUNK, &got, &io->err);
    if (rc < 0) {
        io->rc = rc;
        archive_set_error(a, EIO, "%s", io->err.msg);
        return -1;
    }
    io->pos += got;
    return (la_ssize_t)got;
}

static la_int64_t ar_skip_cb(struct archive *a, void *ud, la_int64_t request)
{
    (void)a;
    struct ar_io *io = ud;
    uint64_t size = io->parent->size;
    if (request <= 0 || size == CU_SIZE_UNKNOWN || io->pos >= size) {
        return 0; /* libarchive reads forward instead */
    }
    uint64_t n = (uint64_t)request;
    if (n > size - io->pos) {
        n = size - io->pos;
    }
    io->pos += n;
    return (la_int64_t)n;
}

static la_int64_t ar_seek_cb(struct archive *a, void *ud, la_int64_t offset, int whence)
{
    struct ar_io *io = ud;
    uint64_t base = 0;
    if (whence == SEEK_CUR) {
        base = io->pos;
    } else if (whence == SEEK_END) {
        int rc = cu_source_size(io->parent, &base, &io->err);
        if (rc < 0) {
            io->rc = rc;
            archive_set_error(a, EIO, "%s", io->err.msg);
            return ARCHIVE_FATAL;
        }
    } else if (whence != SEEK_SET) {
        return ARCHIVE_FATAL;
    }
    uint64_t to;
    if (offset < 0) {
        uint64_t back = (uint64_t)(-(offset + 1)) + 1u;
        if (back > base) {
            archive_set_error(a, EINVAL, "seek before the start of the archive");
            return ARCHIVE_FATAL;
        }
        to = base - back;
    } else if (__builtin_add_overflow(base, (uint64_t)offset, &to) || to > INT64_MAX) {
        archive_set_error(a, EINVAL, "seek offset overflows");
        return ARCHIVE_FATAL;
    }
    io->pos = to;
    return (la_int64_t)to;
}

static void ar_close(struct ar_handle *h)
{
    if (h->a != NULL) {
        (void)archive_read_free(h->a);
        h->a = NULL;
    }
    free(h->io.buf);
    h->io.buf = NULL;
}

/* Opens a reader over `parent`. Only archive formats are enabled: no "raw", no "empty", no
 * zip (the zip analyzer owns it), no mtree (plain text), and no filters (streams are the
 * compress analyzers' job; some libarchive filters run external programs). No cpio either:
 * no loader reads models from it, and libarchive allocates a header's declared name size
 * (up to 4 GiB) before checking it against the data (found by fuzzing). */
static int ar_open(struct ar_handle *h, struct cu_source *parent, custody_error *err)
{
    memset(h, 0, sizeof(*h));
    h->io.parent = parent;
    h->io.buf = cu_malloc(AR_CHUNK);
    h->a = archive_read_new();
    if (h->io.buf == NULL || h->a == NULL) {
        ar_close(h);
        return cu_err_nomem(err);
    }
    struct archive *a = h->a;
    if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_support_format_7zip(a) != ARCHIVE_OK ||
        archive_read_support_format_ar(a) != ARCHIVE_OK ||
        archive_read_support_format_rar(a) != ARCHIVE_OK ||
        archive_read_support_format_rar5(a) != ARCHIVE_OK ||
        archive_read_set_callback_data(a, &h->io) != ARCHIVE_OK ||
        archive_read_set_read_callback(a, ar_read_cb) != ARCHIVE_OK ||
        archive_read_set_skip_callback(a, ar_skip_cb) != ARCHIVE_OK ||
        archive_read_set_seek_callback(a, ar_seek_cb) != ARCHIVE_OK) {
        ar_close(h);
        return cu_err_nomem(err);
    }
    if (archive_read_open1(a) != ARCHIVE_OK) {
        int rc = h->io.rc;
        if (rc < 0) {
            *err = h->io.err;
        } else {
            const char *m = archive_error_string(a);
            rc = cu_err_malformed(err, parent->loc, 0, "cannot open archive: %s",
                                  m != NULL ? m : "unknown error");
        }
        ar_close(h);
        return rc;
    }
    return 0;
}

/* next_header with RETRY handled; returns a libarchive status. */
static int ar_next_header(struct archive *a, struct archive_entry **e)
{
    int r = ARCHIVE_RETRY;
    for (int i = 0; i < AR_RETRIES && r == ARCHIVE_RETRY; i++) {
        r = archive_read_next_header(a, e);
    }
    return r == ARCHIVE_RETRY ? ARCHIVE_FATAL : r;
}

static const char *ar_errstr(struct archive *a)
{
    const char *m = archive_error_string(a);
    return m != NULL ? m : "unknown libarchive error";
}

/* ---- member decoder ---- */

static int ar_member_reset(void *state, custody_error *err)
{
    struct ar_member *m = state;
    struct ar_shared *sh = m->sh;
    m->pend_rc = 0;
    m->out_total = 0;
    if (m->priv.a == NULL && m->cur == NULL && !sh->claimed && sh->index == m->index &&
        sh->h.a != NULL) {
        sh->claimed = true;
        m->cur = &sh->h;
        return 0;
    }
    ar_close(&m->priv);
    m->cur = NULL;
    int rc = ar_open(&m->priv, sh->h.io.parent, err);
    if (rc < 0) {
        return rc;
    }
    for (size_t i = 0; i <= m->index; i++) {
        struct archive_entry *e;
        int r = ar_next_header(m->priv.a, &e);
        if (r == ARCHIVE_EOF || r < ARCHIVE_WARN) {
            if (m->priv.io.rc < 0) {
                *err = m->priv.io.err;
                return m->priv.io.rc;
            }
            return cu_err_malformed(err, m->loc, CU_NO_OFFSET,
                                    "cannot reopen the archive at member %zu: %s", m->index,
                                    r == ARCHIVE_EOF ? "archive ended" : ar_errstr(m->priv.a));
        }
    }
    m->cur = &m->priv;
    return 0;
}

static int ar_member_next(void *state, uint8_t *buf, size_t cap, size_t *got, custody_error *err)
{
    struct ar_member *m = state;
    *got = 0;
    if (m->pend_rc < 0) {
        *err = m->pend_err;
        return m->pend_rc;
    }
    if (m->cur == NULL) {
        return cu_err_inval(err, "archive member read before reset");
    }
    size_t total = 0;
    int rc = 0;
    while (total < cap) {
        la_ssize_t r = archive_read_data(m->cur->a, buf + total, cap - total);
        if (r == 0) {
            break;
        }
        if (r < 0) {
            if (m->cur->io.rc < 0) {
                rc = m->cur->io.rc;
                m->pend_err = m->cur->io.err;
            } else {
                const char *msg = ar_errstr(m->cur->a);
                int code = CUSTODY_EMALFORMED;
                if (strstr(msg, "ncrypt") != NULL || strstr(msg, "assphrase") != NULL) {
                    code = CUSTODY_EUNSUPPORTED;
                }
                rc = cu_err_set(&m->pend_err, code, m->loc, m->out_total + total, __FILE__,
                                __LINE__, "member data broken after %llu bytes: %s",
                                (unsigned long long)(m->out_total + total), msg);
            }
            break;
        }
        total += (size_t)r;
    }
    m->out_total += total;
    if (rc == 0 && m->sh->compressed && !cu_compress_ratio_ok(m->out_total, m->sh->ratio_base)) {
        rc = cu_err_limit(&m->pend_err, m->loc, m->out_total,
                          "member expands more than %u:1 (%llu bytes from a %llu-byte "
                          "archive): possible decompression bomb",
                          CU_LIMIT_EXPAND_RATIO, (unsigned long long)m->out_total,
                          (unsigned long long)m->sh->ratio_base);
    }
    if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
        *err = m->pend_err;
        return rc;
    }
    if (rc < 0) {
        m->pend_rc = rc;
        if (total == 0) {
            *err = m->pend_err;
            return rc;
        }
    }
    *got = total;
    return 0;
}

static void ar_member_free(void *state)
{
    struct ar_member *m = state;
    if (m == NULL) {
        return;
    }
    ar_close(&m->priv);
    free(m->loc);
    free(m);
}

static const struct cu_decoder_ops ar_member_ops = { ar_member_reset, ar_member_next,
                                                     ar_member_free };

/* ---- names ---- */

/* Why a member name would escape the extraction directory, or NULL. */
static const char *ar_traversal(const char *name)
{
    if (name[0] == '/' || name[0] == '\\') {
        return "is an absolute path";
    }
    if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
        name[1] == ':') {
        return "is a drive-letter path";
    }
    const char *p = name;
    while (*p != '\0') {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            return "contains a '..' component";
        }
        p += n;
        if (*p != '\0') {
            p++;
        }
    }
    return NULL;
}

/* Does a link target leave the archive root? `from_dir` is true for symlinks (relative to the
 * link's own directory), false for hard links (relative to the root). */
static bool ar_link_escapes(const char *member, const char *target, bool from_dir)
{
    if (target[0] == '/' || target[0] == '\\' ||
        (((target[0] | 0x20) >= 'a' && (target[0] | 0x20) <= 'z') && target[1] == ':')) {
        return true;
    }
    long depth = 0;
    if (from_dir) {
        const char *p = member;
        while (*p != '\0') {
            size_t n = strcspn(p, "/\\");
            bool dot = (n == 1 && p[0] == '.') || n == 0;
            bool up = n == 2 && p[0] == '.' && p[1] == '.';
            p += n;
            if (*p == '\0') {
                break; /* the link's own name */
            }
            p++;
            depth += up ? -1 : (dot ? 0 : 1);
        }
    }
    const char *p = target;
    while (*p != '\0') {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0) {
                return true;
            }
        } else if (!(n == 0 || (n == 1 && p[0] == '.'))) {
            depth++;
        }
        p += n;
        if (*p != '\0') {
            p++;
        }
    }
    return false;
}

/* ---- duplicate names: a set of 64-bit name hashes ---- */

struct ar_set {
    uint64_t *slot;
    size_t cap;
    size_t n;
};

static uint64_t ar_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s != '\0'; s++) {
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    }
    return h | 1u; /* 0 marks an empty slot */
}

/* Returns 1 if h was already present, 0 if added, CUSTODY_ENOMEM. */
static int ar_set_add(struct ar_set *set, uint64_t h)
{
    if (set->n * 2 >= set->cap) {
        size_t ncap = set->cap == 0 ? 256 : set->cap * 2;
        uint64_t *ns = cu_calloc(ncap, sizeof(*ns));
        if (ns == NULL) {
            return CUSTODY_ENOMEM;
        }
        for (size_t i = 0; i < set->cap; i++) {
            if (set->slot[i] != 0) {
                size_t j = (size_t)(set->slot[i] & (ncap - 1));
                while (ns[j] != 0) {
                    j = (j + 1) & (ncap - 1);
                }
                ns[j] = set->slot[i];
            }
        }
        free(set->slot);
        set->slot = ns;
        set->cap = ncap;
    }
    size_t j = (size_t)(h & (set->cap - 1));
    while (set->slot[j] != 0) {
        if (set->slot[j] == h) {
            return 1;
        }
        j = (j + 1) & (set->cap - 1);
    }
    set->slot[j] = h;
    set->n++;
    return 0;
}

/* ---- one entry ---- */

static int ar_entry(struct cu_ctx *ctx,
                    struct cu_source *src,
                    struct ar_shared *sh,
                    struct ar_set *seen,
                    struct archive_entry *e,
                    size_t index)
{
    custody_error *err = cu_ctx_err(ctx);
    const char *raw = archive_entry_pathname_utf8(e);
    if (raw == NULL) {
        raw = archive_entry_pathname(e);
    }
    char *name = NULL;
    char *loc = NULL;
    struct cu_source *anchor = NULL;
    struct ar_member *m = NULL;
    int rc = 0;

    if (raw == NULL || raw[0] == '\0') {
        name = cu_asprintf("#%zu", index);
    } else {
        name = cu_strndup(raw, strnlen(raw, CU_LIMIT_NAME_LEN));
    }
    loc = name != NULL ? cu_source_member_loc(src, name) : NULL;
    if (name == NULL || loc == NULL) {
        rc = cu_err_nomem(err);
        goto out;
    }
    unsigned ft = archive_entry_filetype(e);
    if (ft == 0) {
        ft = AE_IFREG; /* no type bits (some ar/cpio writers): extractors write a file */
    }
    const char *hardlink = archive_entry_hardlink(e);
    bool is_reg = ft == AE_IFREG && (hardlink == NULL || archive_entry_size(e) > 0);
    bool encrypted = archive_entry_is_encrypted(e) != 0;

    if (is_reg && !encrypted) {
        m = cu_calloc(1, sizeof(*m));
        char *mloc = cu_strdup(loc);
        if (m == NULL || mloc == NULL) {
            free(m);
            m = NULL; /* `out:` frees m too */
            free(mloc);
            rc = cu_err_nomem(err);
            goto out;
        }
        m->sh = sh;
        m->index = index;
        m->loc = mloc;
        uint64_t hint = CU_SIZE_UNKNOWN;
        if (archive_entry_size_is_set(e) && archive_entry_size(e) >= 0) {
            hint = (uint64_t)archive_entry_size(e);
        }
        rc = cu_source_decoded(&anchor, &ar_member_ops, m, hint,
                               sh->compressed ? cu_ctx_budget(ctx) : NULL, loc, name, err);
        m = NULL; /* owned by the source now, even on failure */
    } else {
        rc = cu_source_from_mem(&anchor, NULL, 0, false, loc, name, err);
    }
    if (rc < 0) {
        goto out;
    }

    /* An ar archive's symbol table ("/", "/SYM64/", "__.SYMDEF...") and GNU long-name table
     * ("//") are the format's own index, never extracted: not absolute paths. */
    static const char *const ar_index[] = {
        "/", "//", "/SYM64/", "__.SYMDEF", "__.SYMDEF SORTED", "__.SYMDEF_64", "ARFILENAMES/"
    };
    bool index_member = false;
    for (size_t i = 0; sh->unix_ar && i < sizeof(ar_index) / sizeof(ar_index[0]); i++) {
        index_member = index_member || strcmp(name, ar_index[i]) == 0;
    }
    const char *why = index_member ? NULL : ar_traversal(name);
    if (why != NULL) {
        cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/path-traversal", CU_SEV_DEFAULT, name,
                "member name %s: extracting it writes outside the target directory", why);
    }
    if (ft != AE_IFDIR) {
        int dup = ar_set_add(seen, ar_hash(name));
        if (dup < 0) {
            rc = cu_err_nomem(err);
            goto out;
        }
        if (dup == 1) {
            cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/duplicate-entry", CU_SEV_DEFAULT, name,
                    "member name appears more than once; extractors and loaders disagree about "
                    "which copy wins");
        }
    }
    if (hardlink != NULL) {
        bool esc = ar_link_escapes(name, hardlink, false) || ar_traversal(hardlink) != NULL;
        cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/hardlink",
                esc ? (int)CUSTODY_SEV_HIGH : CU_SEV_DEFAULT, hardlink, "hard link to '%s'%s",
                hardlink, esc ? ", outside the archive root" : "");
    } else if (ft == AE_IFLNK) {
        const char *target = archive_entry_symlink_utf8(e);
        if (target == NULL) {
            target = archive_entry_symlink(e);
        }
        if (target == NULL) {
            target = "";
        }
        bool esc = ar_link_escapes(name, target, true);
        cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/symlink",
                esc ? (int)CUSTODY_SEV_HIGH : CU_SEV_DEFAULT, target, "symbolic link to '%s'%s",
                target, esc ? ", which points outside the archive" : "");
    } else if (ft == AE_IFCHR || ft == AE_IFBLK || ft == AE_IFIFO || ft == AE_IFSOCK) {
        const char *kind = ft == AE_IFCHR   ? "character device"
                           : ft == AE_IFBLK ? "block device"
                           : ft == AE_IFIFO ? "FIFO"
                                            : "socket";
        cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/special-entry", CU_SEV_DEFAULT, NULL,
                "member is a %s", kind);
    } else if (ft != AE_IFREG && ft != AE_IFDIR) {
        cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/special-entry", CU_SEV_DEFAULT, NULL,
                "member has an unknown type (mode 0%o)", ft);
    }
    if (encrypted) {
        cu_emit(ctx, anchor, CU_NO_OFFSET, "archive/encrypted-entry", CU_SEV_DEFAULT, NULL,
                "member is encrypted; its content was not analysed");
    }
    if (!is_reg || encrypted) {
        goto out;
    }

    rc = cu_dispatch(ctx, anchor);
    if (rc < 0) {
        goto out;
    }
    if (sh->compressed) {
        /* A broken compressed block after what the content analyzer needed is still damage. */
        uint64_t size;
        cu_err_clear(err);
        rc = cu_source_size(anchor, &size, err);
        if (rc == CUSTODY_EIO || rc == CUSTODY_ENOMEM) {
            goto out;
        }
        if (rc < 0) {
            const char *rule = rc == CUSTODY_ELIMIT         ? "scan/limit-exceeded"
                               : rc == CUSTODY_EUNSUPPORTED ? "archive/encrypted-entry"
                                                            : "archive/malformed";
            cu_emit(ctx, anchor, err->offset, rule, CU_SEV_DEFAULT, NULL, "%s", err->msg);
            cu_err_clear(err);
            rc = 0;
        }
    }
out:
    ar_member_free(m);
    cu_source_free(anchor);
    free(name);
    free(loc);
    return rc;
}

/* PKG-INFO of an sdist (PEP 643: NAME-VER/PKG-INFO; "./" prefixes allowed). */
static bool ar_sdist_info(const char *pn)
{
    while (strncmp(pn, "./", 2) == 0) {
        pn += 2;
    }
    const char *slash = strchr(pn, '/');
    return slash != NULL && slash > pn && strcmp(slash + 1, "PKG-INFO") == 0;
}

static int ar_analyze(struct cu_ctx *ctx, struct cu_source *src)
{
    custody_error *err = cu_ctx_err(ctx);
    struct ar_shared sh;
    struct ar_set seen = { NULL, 0, 0 };
    memset(&sh, 0, sizeof(sh));
    int rc = ar_open(&sh.h, src, err);
    if (rc == CUSTODY_EMALFORMED && sh.h.io.rc == 0) {
        cu_emit(ctx, src, 0, "archive/malformed", CU_SEV_DEFAULT, NULL, "%s", err->msg);
        cu_err_clear(err);
        return 0;
    }
    if (rc < 0) {
        return rc;
    }
    sh.ratio_base = src->size != CU_SIZE_UNKNOWN ? src->size : 0;
    uint64_t outer = cu_compress_ratio_base(ctx);
    if (outer != 0 && (sh.ratio_base == 0 || outer < sh.ratio_base)) {
        sh.ratio_base = outer;
    }
    const char *last = NULL;
    char *last_name = NULL;
    /* A source distribution (NAME-VER/PKG-INFO): the members after it are a library's code
     * (pysrc.c; its setup.py stays install-time code). Before it, and in other archives,
     * members keep the conservative reading; each archive level says for itself. */
    const void *old_dist = cu_ctx_set_hint(ctx, CU_HINT_PYDIST, NULL);
    for (size_t index = 0;; index++) {
        struct archive_entry *e = NULL;
        int r = ar_next_header(sh.h.a, &e);
        if (sh.h.io.rc < 0) {
            /* The parent itself broke (a truncated gzip under a tar): its own error. */
            *err = sh.h.io.err;
            rc = sh.h.io.rc;
            break;
        }
        if (r == ARCHIVE_EOF) {
            break;
        }
        if (r < ARCHIVE_WARN || e == NULL) {
            cu_emit(ctx, src, CU_NO_OFFSET, "archive/malformed", CU_SEV_DEFAULT, NULL,
                    "%s entry %zu%s%s%s: %s", r == ARCHIVE_FATAL ? "cannot read" : "bad header of",
                    index, last != NULL ? " (after '" : "", last != NULL ? last : "",
                    last != NULL ? "')" : "", ar_errstr(sh.h.a));
            if (archive_read_has_encrypted_entries(sh.h.a) > 0) {
                cu_emit(ctx, src, CU_NO_OFFSET, "archive/encrypted-entry", CU_SEV_DEFAULT, NULL,
                        "archive is encrypted; its content was not analysed");
            }
            break;
        }
        if (r == ARCHIVE_WARN && strstr(ar_errstr(sh.h.a), "can't be converted") == NULL) {
            cu_emit(ctx, src, CU_NO_OFFSET, "archive/malformed", CU_SEV_DEFAULT, NULL,
                    "entry %zu: %s", index, ar_errstr(sh.h.a));
        }
        if (index >= CU_LIMIT_ARCHIVE_ENTRIES) {
            cu_emit(ctx, src, CU_NO_OFFSET, "scan/limit-exceeded", CU_SEV_DEFAULT, NULL,
                    "archive has more than %u entries; the rest were not analysed",
                    CU_LIMIT_ARCHIVE_ENTRIES);
            break;
        }
        int fmt = archive_format(sh.h.a) & ARCHIVE_FORMAT_BASE_MASK;
        sh.compressed =
            fmt == ARCHIVE_FORMAT_7ZIP || fmt == ARCHIVE_FORMAT_RAR || fmt == ARCHIVE_FORMAT_RAR_V5;
        sh.unix_ar = fmt == ARCHIVE_FORMAT_AR;
        sh.index = index;
        sh.claimed = false;
        free(last_name);
        const char *pn = archive_entry_pathname_utf8(e);
        if (pn == NULL) {
            pn = archive_entry_pathname(e);
        }
        last_name = pn != NULL ? cu_strndup(pn, strnlen(pn, 200)) : NULL;
        last = last_name;
        if (last_name != NULL && ar_sdist_info(last_name)) {
            (void)cu_ctx_set_hint(ctx, CU_HINT_PYDIST, "sdist");
        }
        rc = ar_entry(ctx, src, &sh, &seen, e, index);
        if (rc < 0) {
            break;
        }
    }
    (void)cu_ctx_set_hint(ctx, CU_HINT_PYDIST, old_dist);
    free(last_name);
    free(seen.slot);
    ar_close(&sh.h);
    return rc;
}

/* ---- sniffing ---- */

static bool ar_octal(const uint8_t *p, size_t n, uint64_t *out)
{
    size_t i = 0;
    while (i < n && p[i] == ' ') {
        i++;
    }
    uint64_t v = 0;
    size_t digits = 0;
    while (i < n && p[i] >= '0' && p[i] <= '7') {
        v = v * 8 + (uint64_t)(p[i] - '0');
        i++;
        digits++;
    }
    while (i < n && (p[i] == ' ' || p[i] == 0)) {
        i++;
    }
    *out = v;
    return digits > 0 && i == n;
}

bool cu_archive_tar_header_ok(const uint8_t *p, size_t n)
{
    if (n < 512) {
        return false;
    }
    uint64_t want;
    if (!ar_octal(p + 148, 8, &want)) {
        return false;
    }
    uint64_t usum = 0;
    int64_t ssum = 0;
    for (size_t i = 0; i < 512; i++) {
        uint8_t c = (i >= 148 && i < 156) ? (uint8_t)' ' : p[i];
        usum += c;
        ssum += (int8_t)c;
    }
    return want == usum || (ssum >= 0 && want == (uint64_t)ssum);
}

static bool ar_sniff_tar(const struct cu_sniff *in)
{
    /* ustar magic alone claims it too: a damaged header checksum is then a finding. */
    bool ustar = in->len >= 263 && memcmp(in->head + 257, "ustar", 5) == 0 &&
                 (in->head[262] == 0 || in->head[262] == ' ');
    return cu_archive_tar_header_ok(in->head, in->len) || (ustar && in->len >= 512);
}

static bool ar_sniff_7z(const struct cu_sniff *in)
{
    static const uint8_t magic[6] = { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c };
    return in->len >= 32 && memcmp(in->head, magic, 6) == 0;
}

static bool ar_sniff_ar(const struct cu_sniff *in)
{
    return in->len >= 8 && memcmp(in->head, "!<arch>\n", 8) == 0;
}

static bool ar_sniff_rar(const struct cu_sniff *in)
{
    return in->len >= 8 && memcmp(in->head, "Rar!\x1a\x07", 6) == 0 &&
           (in->head[6] == 0 || (in->head[6] == 1 && in->head[7] == 0));
}

static const char *const ar_ext_tar[] = { ".tar", NULL };
static const char *const ar_ext_7z[] = { ".7z", NULL };
static const char *const ar_ext_ar[] = { ".a", ".ar", ".deb", NULL };
static const char *const ar_ext_rar[] = { ".rar", NULL };

const struct cu_analyzer cu_analyzer_tar = { "tar", ar_ext_tar, ar_sniff_tar, ar_analyze };
const struct cu_analyzer cu_analyzer_7z = { "7z", ar_ext_7z, ar_sniff_7z, ar_analyze };
const struct cu_analyzer cu_analyzer_ar = { "ar", ar_ext_ar, ar_sniff_ar, ar_analyze };
const struct cu_analyzer cu_analyzer_rar = { "rar", ar_ext_rar, ar_sniff_rar, ar_analyze };
