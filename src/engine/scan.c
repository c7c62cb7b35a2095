/* The public scan API: collects paths, walks them while worker threads already scan what the
 * walk has found, and exposes the sorted results. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "custody/scan.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/pool.h"
#include "core/util.h"
#include "core/walk.h"
#include "engine/classcache.h"
#include "engine/engine.h"
#include "engine/scanfile.h"
#include "core/banned.h"

#define WAKE_BATCH 8u /* records that wait before idle workers are woken */

struct custody_scan {
    custody_scan_options opts;
    struct cu_scan_limits lim;
    struct cu_classcache cache;
    char **paths;
    size_t npaths, cappaths;
    /* One allocation per record: a worker scans a record while the walk still appends to
     * the pointer array (which moves when it grows, under `lock`). */
    struct cu_file_rec **files;
    size_t nfiles, capfiles;
    custody_finding *findings; /* flattened view, built after the run */
    size_t nfindings;
    const custody_component **components; /* flattened view, pointers into the file records */
    size_t *component_file;
    size_t ncomponents;
    pthread_mutex_t lock; /* files/nfiles while the walk runs, next, walked, done */
    pthread_cond_t more;  /* a record was appended, or the walk ended */
    size_t next;          /* the next record a worker takes */
    bool walked;          /* the walk has ended: nfiles is final */
    pthread_t *tids;      /* workers, started by the walk as records wait for them */
    unsigned maxworkers, nworkers;
    unsigned waiting; /* workers blocked on `more` */
    size_t done;
    bool ran;
};

int custody_scan_new(custody_scan **out, const custody_scan_options *opts, custody_error *err)
{
    *out = NULL;
    custody_scan *s = cu_calloc(1, sizeof(*s));
    if (s == NULL) {
        return cu_err_nomem(err);
    }
    if (opts != NULL) {
        s->opts = *opts;
    }
    s->lim.max_depth = s->opts.max_depth != 0 ? s->opts.max_depth : CU_LIMIT_DEPTH;
    s->lim.max_expand = s->opts.max_expand != 0 ? s->opts.max_expand : CU_LIMIT_EXPAND;
    s->lim.settings = s->opts.settings;
    s->lim.nsettings = s->opts.nsettings;
    if (s->lim.max_depth > 64) {
        unsigned depth = s->lim.max_depth;
        free(s);
        return cu_err_inval(err, "max_depth %u exceeds 64", depth);
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return cu_err_nomem(err);
    }
    if (pthread_cond_init(&s->more, NULL) != 0) {
        (void)pthread_mutex_destroy(&s->lock);
        free(s);
        return cu_err_nomem(err);
    }
    if (cu_classcache_init(&s->cache) != 0) {
        (void)pthread_cond_destroy(&s->more);
        (void)pthread_mutex_destroy(&s->lock);
        free(s);
        return cu_err_nomem(err);
    }
    s->lim.cache = &s->cache;
    *out = s;
    return 0;
}

void custody_scan_free(custody_scan *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->npaths; i++) {
        free(s->paths[i]);
    }
    free(s->paths);
    for (size_t i = 0; i < s->nfiles; i++) {
        cu_file_rec_clear(s->files[i]);
        free(s->files[i]);
    }
    free(s->files);
    free(s->findings);
    free(s->components);
    free(s->component_file);
    cu_classcache_free(&s->cache);
    (void)pthread_cond_destroy(&s->more);
    (void)pthread_mutex_destroy(&s->lock);
    free(s);
}

int custody_scan_add_path(custody_scan *s, const char *path, custody_error *err)
{
    if (path == NULL || path[0] == '\0') {
        return cu_err_inval(err, "empty path");
    }
    if (!cu_grow((void **)&s->paths, &s->cappaths, s->npaths + 1, sizeof(*s->paths))) {
        return cu_err_nomem(err);
    }
    s->paths[s->npaths] = cu_strdup(path);
    if (s->paths[s->npaths] == NULL) {
        return cu_err_nomem(err);
    }
    s->npaths++;
    return 0;
}

/* A zeroed record: the caller fills it in, then publish_rec() appends it for the workers. */
static struct cu_file_rec *new_rec(void)
{
    return cu_calloc(1, sizeof(struct cu_file_rec));
}

static void *scan_worker(void *ud);

static int publish_rec(custody_scan *s, struct cu_file_rec *r)
{
    (void)pthread_mutex_lock(&s->lock);
    bool ok = cu_grow((void **)&s->files, &s->capfiles, s->nfiles + 1, sizeof(*s->files));
    if (ok) {
        s->files[s->nfiles++] = r;
        /* Idle workers are woken a batch at a time: a futex wake per record made the walk
         * the bottleneck once the workers outran it. The end of the walk wakes them all. */
        if (s->waiting > 0 && s->nfiles - s->next >= WAKE_BATCH) {
            (void)pthread_cond_broadcast(&s->more);
        }
    }
    /* One more worker when more records wait than workers run, the main thread counted: a
     * scan of one file starts no thread, a scan of a tree soon has them all. */
    bool spawn = ok && s->nworkers < s->maxworkers && s->nfiles - s->next > s->nworkers + 1;
    (void)pthread_mutex_unlock(&s->lock);
    if (!ok) {
        cu_file_rec_clear(r);
        free(r);
        return CUSTODY_ENOMEM;
    }
    if (spawn) {
        if (pthread_create(&s->tids[s->nworkers], NULL, scan_worker, s) == 0) {
            (void)pthread_mutex_lock(&s->lock);
            s->nworkers++;
            (void)pthread_mutex_unlock(&s->lock);
        } else {
            s->maxworkers = s->nworkers; /* the main thread still scans everything left */
        }
    }
    return 0;
}

static int on_walk(void *ud, const struct cu_walk_entry *e)
{
    custody_scan *s = ud;
    struct cu_file_rec *r = new_rec();
    if (r == NULL) {
        return CUSTODY_ENOMEM;
    }
    r->walk_kind = e->kind;
    r->path = cu_strdup(e->path);
    r->open_path = cu_strdup(e->open_path != NULL ? e->open_path : e->path);
    const char *note = e->target != NULL ? e->target : e->reason;
    r->walk_note = note != NULL ? cu_strdup(note) : NULL;
    if (r->path == NULL || r->open_path == NULL || (note != NULL && r->walk_note == NULL)) {
        cu_file_rec_clear(r);
        free(r);
        return CUSTODY_ENOMEM;
    }
    return publish_rec(s, r);
}

static void scan_rec(custody_scan *s, struct cu_file_rec *r)
{
    cu_engine_scan_file(r, &s->lim);
    if (s->opts.progress != NULL) {
        (void)pthread_mutex_lock(&s->lock);
        s->done++;
        s->opts.progress(s->opts.progress_ud, r->path, s->done, s->nfiles);
        (void)pthread_mutex_unlock(&s->lock);
    }
}

/* A worker takes records in walk order as they are published, until the walk has ended and
 * none is left. The main thread walks first and then works alongside. */
static void *scan_worker(void *ud)
{
    custody_scan *s = ud;
    for (;;) {
        (void)pthread_mutex_lock(&s->lock);
        while (s->next >= s->nfiles && !s->walked) {
            s->waiting++;
            (void)pthread_cond_wait(&s->more, &s->lock);
            s->waiting--;
        }
        struct cu_file_rec *r = s->next < s->nfiles ? s->files[s->next++] : NULL;
        (void)pthread_mutex_unlock(&s->lock);
        if (r == NULL) {
            return NULL;
        }
        scan_rec(s, r);
    }
}

static int flatten(custody_scan *s, custody_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        total += s->files[i]->nf;
    }
    free(s->findings);
    s->findings = cu_calloc(total, sizeof(*s->findings));
    if (s->findings == NULL) {
        return cu_err_nomem(err);
    }
    size_t k = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        const struct cu_file_rec *r = s->files[i];
        for (size_t j = 0; j < r->nf; j++) {
            const struct cu_finding_rec *f = &r->f[j];
            custody_finding *o = &s->findings[k++];
            o->rule_id = f->rule_id;
            o->severity = f->severity;
            o->path = r->path;
            o->location = f->location;
            o->offset = f->offset;
            o->line = f->line;
            o->message = f->message;
            o->evidence = f->evidence;
        }
    }
    s->nfindings = k;
    return 0;
}

static int flatten_components(custody_scan *s, custody_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        total += s->files[i]->nc;
    }
    free(s->components);
    free(s->component_file);
    s->components = cu_calloc(total, sizeof(*s->components));
    s->component_file = cu_calloc(total, sizeof(*s->component_file));
    if (s->components == NULL || s->component_file == NULL) {
        return cu_err_nomem(err);
    }
    size_t k = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        for (size_t j = 0; j < s->files[i]->nc; j++) {
            s->component_file[k] = i;
            s->components[k++] = &s->files[i]->c[j].pub;
        }
    }
    s->ncomponents = k;
    return 0;
}

/* ---- project passes ---- */

struct cu_project {
    custody_scan *scan;
    bool fatal;
};

size_t cu_project_file_count(const struct cu_project *p)
{
    return p->scan->nfiles;
}

const custody_file *cu_project_file(const struct cu_project *p, size_t i)
{
    return i < p->scan->nfiles ? &p->scan->files[i]->pub : NULL;
}

const char *cu_project_open_path(const struct cu_project *p, size_t i)
{
    if (i >= p->scan->nfiles || p->scan->files[i]->mem != NULL) {
        return NULL;
    }
    return p->scan->files[i]->open_path;
}

size_t cu_project_component_count(const struct cu_project *p)
{
    return p->scan->ncomponents;
}

const custody_component *cu_project_component(const struct cu_project *p, size_t i, size_t *file)
{
    if (i >= p->scan->ncomponents) {
        return NULL;
    }
    if (file != NULL) {
        *file = p->scan->component_file[i];
    }
    return p->scan->components[i];
}

const char *cu_project_setting(const struct cu_project *p, const char *key, size_t i)
{
    return cu_settings_get(p->scan->lim.settings, p->scan->lim.nsettings, key, i);
}

void cu_project_emit(struct cu_project *p,
                     size_t file,
                     const char *location,
                     uint32_t line,
                     const char *rule_id,
                     int severity,
                     const char *evidence,
                     const char *fmt,
                     ...)
{
    if (file >= p->scan->nfiles) {
        return;
    }
    struct cu_file_rec *rec = p->scan->files[file];
    va_list ap;
    va_start(ap, fmt);
    char *msg = cu_vasprintf(fmt, ap);
    va_end(ap);
    if (msg == NULL || !cu_file_rec_emit(rec, location != NULL ? location : rec->path, CU_NO_OFFSET,
                                         line, rule_id, severity, evidence, msg)) {
        p->fatal = true;
    }
    free(msg);
}

static int run_project_passes(custody_scan *s, custody_error *err)
{
    if (cu_project_passes_len == 0) {
        return 0;
    }
    struct cu_project p = { .scan = s, .fatal = false };
    for (size_t i = 0; i < cu_project_passes_len; i++) {
        int rc = cu_project_passes[i]->run(&p);
        if (rc < 0 || p.fatal) {
            return cu_err_nomem(err);
        }
    }
    for (size_t i = 0; i < s->nfiles; i++) {
        cu_file_rec_finish(s->files[i]);
    }
    return 0;
}

/* The component view is built once, before the passes: passes add findings only, and the
 * re-sort in cu_file_rec_finish moves records within the slots the view points at. */
static int finish_run(custody_scan *s, custody_error *err)
{
    int rc = flatten_components(s, err);
    if (rc == 0) {
        rc = run_project_passes(s, err);
    }
    if (rc == 0) {
        rc = flatten(s, err);
    }
    return rc;
}

int custody_scan_run(custody_scan *s, custody_error *err)
{
    if (s->ran) {
        return cu_err_inval(err, "scan already ran");
    }
    s->ran = true;
    unsigned threads = s->opts.threads != 0 ? s->opts.threads : cu_pool_cpus();
    s->tids = threads > 1 ? cu_calloc(threads - 1, sizeof(*s->tids)) : NULL;
    s->maxworkers = s->tids != NULL ? threads - 1 : 0;
    int rc = 0;
    for (size_t i = 0; i < s->npaths && rc >= 0; i++) {
        rc = cu_walk(s->paths[i], on_walk, s);
    }
    (void)pthread_mutex_lock(&s->lock);
    s->walked = true;
    (void)pthread_cond_broadcast(&s->more);
    (void)pthread_mutex_unlock(&s->lock);
    (void)scan_worker(s);
    for (unsigned t = 0; t < s->nworkers; t++) {
        (void)pthread_join(s->tids[t], NULL);
    }
    free(s->tids);
    s->tids = NULL;
    if (rc < 0) {
        return cu_err_nomem(err);
    }
    return finish_run(s, err);
}

int custody_scan_buffer(
    custody_scan *s, const char *name, const uint8_t *data, size_t len, custody_error *err)
{
    struct cu_file_rec *r = new_rec();
    if (r == NULL) {
        return cu_err_nomem(err);
    }
    r->walk_kind = CU_WALK_FILE;
    r->path = cu_strdup(name);
    r->open_path = cu_strdup(name);
    r->mem = data != NULL ? data : (const uint8_t *)"";
    r->mem_len = len;
    if (r->path == NULL || r->open_path == NULL) {
        cu_file_rec_clear(r);
        free(r);
        return cu_err_nomem(err);
    }
    if (publish_rec(s, r) != 0) {
        return cu_err_nomem(err);
    }
    scan_rec(s, r);
    return finish_run(s, err);
}

size_t custody_scan_finding_count(const custody_scan *s)
{
    return s->nfindings;
}

const custody_finding *custody_scan_finding(const custody_scan *s, size_t i)
{
    return i < s->nfindings ? &s->findings[i] : NULL;
}

size_t custody_scan_file_count(const custody_scan *s)
{
    return s->nfiles;
}

const custody_file *custody_scan_file(const custody_scan *s, size_t i)
{
    return i < s->nfiles ? &s->files[i]->pub : NULL;
}

size_t custody_scan_component_count(const custody_scan *s)
{
    return s->ncomponents;
}

const custody_component *custody_scan_component(const custody_scan *s, size_t i)
{
    return i < s->ncomponents ? s->components[i] : NULL;
}

custody_severity custody_scan_max_severity(const custody_scan *s)
{
    custody_severity m = CUSTODY_SEV_INFO;
    for (size_t i = 0; i < s->nfindings; i++) {
        if (s->findings[i].severity > m) {
            m = s->findings[i].severity;
        }
    }
    return m;
}

int custody_scan_had_errors(const custody_scan *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        if (s->files[i]->pub.status == CUSTODY_FILE_ERROR) {
            return 1;
        }
    }
    return 0;
}

void custody_scan_totals(const custody_scan *s, uint64_t *bytes_read, uint64_t *bytes_total)
{
    uint64_t r = 0, t = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        r += s->files[i]->pub.bytes_read;
        t += s->files[i]->pub.size;
    }
    *bytes_read = r;
    *bytes_total = t;
}
