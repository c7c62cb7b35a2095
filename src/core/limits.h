#ifndef CU_LIMITS_H
#define CU_LIMITS_H
/* Every safety limit in one place. A value read from a file is allocated only after it is
 * checked against the bytes that remain, then one of these, then for overflow. */
#include <stdint.h>

#define CU_LIMIT_DEPTH               16u           /* container nesting */
#define CU_LIMIT_EXPAND              (64ull << 30) /* decompressed bytes per top-level file */
#define CU_LIMIT_EXPAND_RATIO        2000u         /* member inflate ratio (bomb) */
#define CU_LIMIT_EXPAND_FLOOR        (64ull << 20) /* output below this skips the ratio */
#define CU_LIMIT_XZ_MEM              (1ull << 30)  /* liblzma decoder memory (dictionary) */
#define CU_LIMIT_NAME_LEN            4096u         /* member / path names */
#define CU_LIMIT_ZIP_ENTRIES         200000u       /* central directory entries */
#define CU_LIMIT_ARCHIVE_ENTRIES     200000u       /* tar/7z entries */
#define CU_LIMIT_FINDINGS_PER_FILE   1000u         /* then one "truncated" finding */
#define CU_LIMIT_COMPONENTS_PER_FILE 200000u       /* a 10,000-package lockfile fits many times */
#define CU_LIMIT_FACTS_PER_FILE      256u
#define CU_LIMIT_EVIDENCE            512u         /* bytes of evidence text */
#define CU_LIMIT_SNIFF               512u         /* bytes given to sniff() */
#define CU_LIMIT_STREAM_BUF          (256u << 10) /* stream window */
#define CU_LIMIT_PICKLE_STACK        1000000u     /* VM stack + memo entries */
#define CU_LIMIT_PICKLE_MEMO         1000000u
#define CU_LIMIT_PICKLE_KEEP         4096u        /* bytes of a large bytes value kept */
#define CU_LIMIT_PICKLE_OPS          (1ull << 32) /* opcodes per stream */
#define CU_LIMIT_PICKLE_NEST         8u           /* pickles nested in bytes values */
#define CU_LIMIT_PICKLE_CONCAT       4096u        /* concatenated pickles in one stream */
#define CU_LIMIT_PICKLE_ARENA        (1ull << 30) /* symbolic values of one pickle */
#define CU_LIMIT_SMALL_FILE          (256u << 10) /* files read whole at open */
#define CU_LIMIT_JSON                (64u << 20)  /* a JSON document parsed whole */
#define CU_LIMIT_ST_HEADER           100000000u   /* safetensors header (reference limit) */
#define CU_LIMIT_PYSRC               (16u << 20)  /* a Python source file read whole */
#define CU_LIMIT_NPY_HEADER          (1u << 20)   /* numpy header bytes */
#define CU_LIMIT_H5_CHUNKS           64u          /* HDF5 object header chunks (root group) */
#define CU_LIMIT_H5_MESSAGES         65536u       /* HDF5 object header messages */
#define CU_LIMIT_PROTO_DEPTH         100u         /* protobuf message nesting (protobuf: 100) */
#define CU_LIMIT_PROTO_ENTRIES       (1u << 22)   /* nodes remembered per protobuf graph */
#define CU_LIMIT_GGUF_TENSORS        (1u << 20)   /* GGUF tensor infos */
#define CU_LIMIT_GGUF_KV             (1u << 20)   /* GGUF metadata key/values */
#define CU_LIMIT_GGUF_ARRAY          (1ull << 32) /* GGUF array elements (any type) */
#define CU_LIMIT_GGUF_NEST           8u           /* GGUF arrays of arrays */
#define CU_LIMIT_GGUF_KEYS_BYTES     (16u << 20)  /* GGUF key names kept for duplicate checks */
#define CU_LIMIT_TEMPLATE            (4u << 20)   /* a chat template analysed whole */
#define CU_LIMIT_JINJA_TOKENS        (1u << 20)   /* tokens in one template tag */
#define CU_LIMIT_JINJA_HITS          64u          /* findings per template */
#define CU_LIMIT_TOML                (64u << 20)  /* a TOML document parsed whole */
#define CU_LIMIT_TOML_DEPTH          128u         /* TOML arrays/inline tables/keys nested */
#define CU_LIMIT_DEPFILE             (256u << 20) /* a manifest/lockfile read whole */
#define CU_LIMIT_DEPS_DEPTH          256u         /* nesting in a lockfile (npm v1 tree, YAML) */

#endif
