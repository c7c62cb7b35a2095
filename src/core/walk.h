#ifndef CU_WALK_H
#define CU_WALK_H
/* Filesystem walk: lists what is under a path without following symlinks out of the tree. */
#include "custody/common.h"

enum cu_walk_kind {
    CU_WALK_FILE = 0,    /* a regular file (or a symlink to one inside the tree) */
    CU_WALK_SYMLINK_OUT, /* symlink whose target leaves the tree or dangles: not followed */
    CU_WALK_SYMLINK_DIR, /* symlink to a directory: not followed (loops) */
    CU_WALK_SPECIAL,     /* FIFO, socket, device: never opened */
    CU_WALK_ERROR        /* could not be listed or stat'ed */
};

struct cu_walk_entry {
    enum cu_walk_kind kind;
    const char *path;      /* as walked: root + "/" + relative; borrowed for the callback */
    const char *target;    /* symlink target text, or NULL */
    const char *reason;    /* for ERROR / SPECIAL */
    const char *open_path; /* FILE: what to open (the resolved target of an in-tree symlink) */
};

typedef int (*cu_walk_fn)(void *ud, const struct cu_walk_entry *e);

/* Calls fn for every entry under `root` (root itself when it is a file), in sorted order per
 * directory, to a depth of 64 directories. A non-zero return from fn stops the walk and is
 * returned. Returns 0, or CUSTODY_ENOMEM. Unreadable parts are reported as CU_WALK_ERROR. */
int cu_walk(const char *root, cu_walk_fn fn, void *ud);

#endif
