/* Typosquat index over popular package names. (Placeholder until Step 4 lands: knows no
 * names, so it finds no squats.) */
#include "deps/deps.h"
#include "core/banned.h"

bool cu_typosquat_check(enum cu_eco eco, const char *name, const char **target)
{
    (void)eco;
    (void)name;
    *target = NULL;
    return false;
}

bool cu_popular_name(enum cu_eco eco, const char *name)
{
    (void)eco;
    (void)name;
    return false;
}
