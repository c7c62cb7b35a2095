#ifndef CU_PICKLE_VM_H
#define CU_PICKLE_VM_H
/* Private to src/formats/pickle.c: opcodes and the layout of symbolic values. */
#include <stdint.h>

#include "formats/pickle.h"

/* Opcodes of protocols 0-5 (CPython Lib/pickle.py). */
enum {
    OP_MARK = '(',
    OP_STOP = '.',
    OP_POP = '0',
    OP_POP_MARK = '1',
    OP_DUP = '2',
    OP_FLOAT = 'F',
    OP_INT = 'I',
    OP_BININT = 'J',
    OP_BININT1 = 'K',
    OP_LONG = 'L',
    OP_BININT2 = 'M',
    OP_NONE = 'N',
    OP_PERSID = 'P',
    OP_BINPERSID = 'Q',
    OP_REDUCE = 'R',
    OP_STRING = 'S',
    OP_BINSTRING = 'T',
    OP_SHORT_BINSTRING = 'U',
    OP_UNICODE = 'V',
    OP_BINUNICODE = 'X',
    OP_APPEND = 'a',
    OP_BUILD = 'b',
    OP_GLOBAL = 'c',
    OP_DICT = 'd',
    OP_EMPTY_DICT = '}',
    OP_APPENDS = 'e',
    OP_GET = 'g',
    OP_BINGET = 'h',
    OP_INST = 'i',
    OP_LONG_BINGET = 'j',
    OP_LIST = 'l',
    OP_EMPTY_LIST = ']',
    OP_OBJ = 'o',
    OP_PUT = 'p',
    OP_BINPUT = 'q',
    OP_LONG_BINPUT = 'r',
    OP_SETITEM = 's',
    OP_TUPLE = 't',
    OP_EMPTY_TUPLE = ')',
    OP_SETITEMS = 'u',
    OP_BINFLOAT = 'G',
    /* protocol 2 */
    OP_PROTO = 0x80,
    OP_NEWOBJ = 0x81,
    OP_EXT1 = 0x82,
    OP_EXT2 = 0x83,
    OP_EXT4 = 0x84,
    OP_TUPLE1 = 0x85,
    OP_TUPLE2 = 0x86,
    OP_TUPLE3 = 0x87,
    OP_NEWTRUE = 0x88,
    OP_NEWFALSE = 0x89,
    OP_LONG1 = 0x8a,
    OP_LONG4 = 0x8b,
    /* protocol 3 */
    OP_BINBYTES = 'B',
    OP_SHORT_BINBYTES = 'C',
    /* protocol 4 */
    OP_SHORT_BINUNICODE = 0x8c,
    OP_BINUNICODE8 = 0x8d,
    OP_BINBYTES8 = 0x8e,
    OP_EMPTY_SET = 0x8f,
    OP_ADDITEMS = 0x90,
    OP_FROZENSET = 0x91,
    OP_NEWOBJ_EX = 0x92,
    OP_STACK_GLOBAL = 0x93,
    OP_MEMOIZE = 0x94,
    OP_FRAME = 0x95,
    /* protocol 5 */
    OP_BYTEARRAY8 = 0x96,
    OP_NEXT_BUFFER = 0x97,
    OP_READONLY_BUFFER = 0x98
};

#define PV_KEEP_ITEMS 32u /* items of a container kept for evidence and hooks */

struct pv_blob {    /* STR / BYTES */
    uint64_t full;  /* declared length */
    uint64_t off;   /* source offset of the first byte, or UINT64_MAX (decoded text) */
    uint8_t data[]; /* kept bytes, NUL-terminated */
};
struct pv_seq;
struct pv_imp;
struct pv_call;

struct cu_pv {
    uint8_t kind;  /* enum cu_pv_kind */
    uint8_t flags; /* PVF_* */
    uint32_t n;    /* STR/BYTES: kept bytes */
    union {
        int64_t i;
        double f;
        struct pv_blob *b;
        struct pv_seq *q;
        struct pv_imp *g;
        struct pv_call *c;
    } u;
};

#define PVF_SET    0x01u /* memo slot in use */
#define PVF_FROZEN 0x02u /* frozenset */
#define PVF_CUT    0x04u /* STR/BYTES: only a prefix kept */

struct pv_seq {     /* TUPLE / LIST / SET (items) and DICT (key, value pairs) */
    uint64_t count; /* items (pairs for a dict) the loader would hold */
    uint32_t kept;  /* items (pairs) kept */
    uint32_t cap;
    struct cu_pv *items;
};

struct pv_imp {         /* an interned import */
    const char *module; /* as spelled */
    const char *name;   /* qualname as spelled; "" for a module object */
    const char *cmod;   /* canonical module (Python 2 and moved names mapped by the policy) */
    const char *cname;  /* canonical qualname */
    const char *why;
    uint32_t hash;
    uint8_t klass; /* custody_pickle_class */
    uint8_t flags;
    /* builtins.getattr: its dangerous-import finding waits for its uses (see vm_getattr) */
    uint32_t ok_uses;
    uint64_t def_off;
    const char *def_how;
};

enum pv_call_how { CALL_REDUCE, CALL_NEWOBJ, CALL_NEWOBJ_EX, CALL_OBJ, CALL_INST, CALL_PERSID };

struct pv_call { /* CALL and PERSID */
    struct cu_pv callable;
    struct cu_pv args;   /* TUPLE, or the persistent id */
    struct cu_pv kwargs; /* NEWOBJ_EX */
    struct cu_pv state;  /* BUILD; kind NONE with flags 0 = none */
    uint8_t how;
    uint8_t has_state;
};

#endif
