/* Functions that have no place in a parser of hostile input (curl's list). Include LAST in
 * each .c: before <string.h> it breaks glibc's fortify wrappers. sprintf and alloca cannot be
 * poisoned here; .ci/run greps for them. */
#ifndef CU_BANNED_H
#define CU_BANNED_H
#pragma GCC poison strcpy strcat strncpy strncat vsprintf gets atoi atol strtok sscanf
#endif
