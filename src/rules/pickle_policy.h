#ifndef CU_PICKLE_POLICY_H
#define CU_PICKLE_POLICY_H
/* Library-internal helpers of the pickle import policy (src/rules/pickle_policy.c).
 *
 * Name patterns used in the tables (custody_pickle_policy_entry.name):
 *   "*"         every name (deny: also dotted qualnames; allow: plain identifiers only)
 *   "<Class>"   a plain identifier starting with an upper-case letter (a class, by convention)
 *   "pfx*"      a name whose first component starts with pfx
 *   "*sfx"      a name whose first component ends with sfx
 *   ".meth"     (module "*") a dotted qualname whose last component is meth
 *   "__*__"     (module "*") a name with a dunder component (__builtins__, __globals__, ...)
 *   otherwise   exact; a deny entry also covers qualnames beneath it ("Popen" -> "Popen.x")
 * Module patterns: a deny entry with name "*" covers the module and all its submodules; an
 * allow module ending in ".*" covers that package's submodules; module "*" is any module. */
#include <stdbool.h>
#include <stddef.h>

#include "custody/rules.h"

/* The `why` of an allowlist entry (and of custody_pickle_classify's result) for a class that is
 * safe only when a pickle rebuilds it from its saved fields: NEWOBJ / copyreg.__newobj__ /
 * copyreg._reconstructor, then BUILD, the way every pickler writes a plain object. Calling
 * it (REDUCE, INST, OBJ) runs its constructor with arguments from the file (HF
 * TrainingArguments.__post_init__, accelerate's PartialState joining a process group), which
 * no save path produces. Compare by address. Other safe entries have a NULL why. */
extern const char cu_pickle_state_only[];

/* Longest module or name the policy canonicalises; longer spellings are never safe. */
#define CU_PICKLE_NAME_MAX 512

/* Maps Python 2 and moved spellings to what a current loader resolves (`__builtin__.file`
 * -> `builtins.open`, `copy_reg` -> `copyreg`, `numpy._core.x` -> `numpy.core.x`, old
 * private sklearn paths, `sklearn.externals.joblib` -> `joblib`). Writes NUL-terminated
 * results into mod_out/name_out (each of cap bytes). Returns false, writing "" to both, when
 * a result does not fit or an argument is NULL. */
bool cu_pickle_canonical(const char *module,
                         const char *name,
                         char *mod_out,
                         size_t mod_cap,
                         char *name_out,
                         size_t name_cap);

#endif
