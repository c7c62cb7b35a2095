#include "core/walk.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "core/banned.h"

#define WALK_MAX_DEPTH 64

struct walk {
    char *root_real; /* realpath of the root directory, for the "inside the tree" test */
    cu_walk_fn fn;
    void *ud;
};

static int walk_emit(struct walk *w,
                     enum cu_walk_kind kind,
                     const char *path,
                     const char *target,
                     const char *reason)
{
    struct cu_walk_entry e = { kind, path, target, reason, path };
    return w->fn(w->ud, &e);
}

/* Directory entries are stored as one byte of d_type followed by the name. */
static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static bool inside_root(const struct walk *w, const char *real)
{
    size_t n = strlen(w->root_real);
    if (strcmp(w->root_real, "/") == 0) {
        return true;
    }
    return strncmp(real, w->root_real, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

static int walk_path(struct walk *w, const char *path, int depth);

static int walk_dir(struct walk *w, const char *path, int depth)
{
    if (depth > WALK_MAX_DEPTH) {
        return walk_emit(w, CU_WALK_ERROR, path, NULL, "directory nesting too deep");
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        return walk_emit(w, CU_WALK_ERROR, path, NULL, strerror(errno));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (!cu_grow((void **)&names, &cap, n + 1, sizeof(*names))) {
            rc = CUSTODY_ENOMEM;
            break;
        }
        size_t len = strlen(de->d_name);
        names[n] = cu_malloc(len + 2);
        if (names[n] == NULL) {
            rc = CUSTODY_ENOMEM;
            break;
        }
        names[n][0] = (char)de->d_type;
        memcpy(names[n] + 1, de->d_name, len + 1);
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 1) {
        qsort(names, n, sizeof(*names), cmp_names);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t plen = strlen(path);
        const char *nm = names[i] + 1;
        char *child = cu_concat3(path, (plen > 0 && path[plen - 1] == '/') ? "" : "/", nm);
        if (child == NULL) {
            rc = CUSTODY_ENOMEM;
            break;
        }
        /* readdir already says what most entries are; lstat only links and the unknown. */
        unsigned char type = (unsigned char)names[i][0];
        if (type == DT_REG) {
            rc = walk_emit(w, CU_WALK_FILE, child, NULL, NULL);
        } else if (type == DT_DIR) {
            rc = walk_dir(w, child, depth + 1);
        } else {
            rc = walk_path(w, child, depth + 1);
        }
        free(child);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return rc;
}

static int walk_symlink(struct walk *w, const char *path)
{
    char target[PATH_MAX];
    ssize_t tl = readlink(path, target, sizeof(target) - 1);
    if (tl < 0) {
        return walk_emit(w, CU_WALK_ERROR, path, NULL, strerror(errno));
    }
    target[tl] = '\0';
    char *real = realpath(path, NULL);
    if (real == NULL) {
        return walk_emit(w, CU_WALK_SYMLINK_OUT, path, target, "dangling symlink");
    }
    struct stat st;
    int rc;
    if (!inside_root(w, real)) {
        rc = walk_emit(w, CU_WALK_SYMLINK_OUT, path, target, "symlink leaves the scanned tree");
    } else if (stat(real, &st) != 0) {
        rc = walk_emit(w, CU_WALK_ERROR, path, target, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = walk_emit(w, CU_WALK_SYMLINK_DIR, path, target, "symlink to a directory");
    } else if (S_ISREG(st.st_mode)) {
        /* Inside the tree: the loader would read the target, so we scan it under this name. */
        struct cu_walk_entry e = { CU_WALK_FILE, path, target, NULL, real };
        rc = w->fn(w->ud, &e);
    } else {
        rc = walk_emit(w, CU_WALK_SPECIAL, path, target, "symlink to a special file");
    }
    free(real);
    return rc;
}

static int walk_path(struct walk *w, const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return walk_emit(w, CU_WALK_ERROR, path, NULL, strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
        return walk_symlink(w, path);
    }
    if (S_ISDIR(st.st_mode)) {
        return walk_dir(w, path, depth);
    }
    if (S_ISREG(st.st_mode)) {
        return walk_emit(w, CU_WALK_FILE, path, NULL, NULL);
    }
    return walk_emit(w, CU_WALK_SPECIAL, path, NULL, "not a regular file");
}

int cu_walk(const char *root, cu_walk_fn fn, void *ud)
{
    struct walk w = { NULL, fn, ud };
    struct stat st;
    /* A path named on the command line is taken as given, symlink or not. */
    if (stat(root, &st) != 0) {
        struct cu_walk_entry e = { CU_WALK_ERROR, root, NULL, strerror(errno), root };
        return fn(ud, &e);
    }
    if (!S_ISDIR(st.st_mode)) {
        struct cu_walk_entry e = { S_ISREG(st.st_mode) ? CU_WALK_FILE : CU_WALK_SPECIAL, root, NULL,
                                   S_ISREG(st.st_mode) ? NULL : "not a regular file", root };
        return fn(ud, &e);
    }
    w.root_real = realpath(root, NULL);
    if (w.root_real == NULL) {
        struct cu_walk_entry e = { CU_WALK_ERROR, root, NULL, strerror(errno), root };
        return fn(ud, &e);
    }
    int rc = walk_dir(&w, root, 0);
    free(w.root_real);
    return rc;
}
