/* Rules of the pickle analyzer (src/formats/pickle.c). */
#include "rules/catalogue.h"

static const custody_rule pickle_rules[] = {
    { "pickle/malformed", "Malformed pickle stream", CUSTODY_SEV_MEDIUM,
      "The pickle stream breaks the format (truncated, unknown opcode, stack misuse). "
      "pickle.load may still run every opcode before the damage.",
      "Do not load it; obtain the artifact from a trusted source." },
    { "pickle/dangerous-import", "Pickle imports a dangerous callable", CUSTODY_SEV_CRITICAL,
      "The pickle imports a module attribute that can run code or commands (os.system, "
      "builtins.eval, subprocess, ...). Unpickling imports it, and a pickle only imports what "
      "it means to call.",
      "Do not load this file. Use a data-only format (safetensors) or load with an allowlist "
      "(torch.load(weights_only=True))." },
    { "pickle/dangerous-call", "Pickle calls a dangerous callable", CUSTODY_SEV_CRITICAL,
      "A call site in the pickle (REDUCE, NEWOBJ, OBJ, INST, BUILD) invokes a callable that "
      "runs code or commands, directly or by handing it to another callable that will call "
      "it. This executes when the file is loaded.",
      "Do not load this file; treat the system that produced it as compromised." },
    { "pickle/unknown-import", "Pickle imports a callable on no allowlist", CUSTODY_SEV_MEDIUM,
      "The pickle imports a module attribute that is neither known safe nor known dangerous. "
      "Loading it imports that module and may run its code.",
      "Check that the named class belongs to a library you trust and that the file came from "
      "where you expect; prefer a data-only format (safetensors) for weights." },
    { "pickle/unknown-function-call", "Pickle calls a function on no allowlist", CUSTODY_SEV_HIGH,
      "Loading the pickle calls a function (not a class constructor) that is neither known "
      "safe nor known dangerous. Real checkpoints build data with classes and a few "
      "allowlisted reconstructors; calling an unlisted function at load time is exactly how "
      "published denylist bypasses run code (pip.main, timeit.timeit, runpy internals, ...).",
      "Do not load the file unless you can show the function is harmless; obtain the artifact "
      "from its publisher." },
    { "pickle/constructor-call", "Pickle calls a class allowlisted only as saved state",
      CUSTODY_SEV_MEDIUM,
      "Some classes are allowlisted because real checkpoints carry them as saved fields: every "
      "pickler rebuilds a plain object with cls.__new__ and then restores its attributes "
      "(Hugging Face TrainingArguments and accelerate's PartialState in training_args.bin, "
      "omegaconf configs and Lightning callbacks in .ckpt files). This pickle calls such a "
      "class instead, or hands it to a callable that may, so its constructor runs with "
      "arguments from the file (TrainingArguments.__post_init__ sets up devices and reads "
      "config files; PartialState joins a distributed process group). No library's save path "
      "writes that.",
      "Do not load the file; re-save the object with the library that owns the class, or "
      "obtain the artifact from its publisher." },
    { "pickle/unknown-call", "Pickle calls a callable on no allowlist", CUSTODY_SEV_LOW,
      "A call site invokes (or hands to a safe callable) a callable that is on no allowlist. "
      "The evidence shows the call with its constant arguments.",
      "Review the call; allowlist the callable if it is a known data constructor." },
    { "pickle/dynamic-import", "Pickle resolves an import at load time", CUSTODY_SEV_CRITICAL,
      "STACK_GLOBAL, builtins.getattr or __import__ is given operands that are computed while "
      "loading, so the imported name cannot be known statically. Legitimate pickles never do "
      "this; it is a way to hide a payload from scanners.",
      "Do not load this file." },
    { "pickle/dynamic-call", "Pickle calls a value computed at load time", CUSTODY_SEV_HIGH,
      "A call site's callable is itself the result of a call, a persistent id or another "
      "computed value, so what runs cannot be known statically.",
      "Do not load this file unless you can account for the call." },
    { "pickle/extension-code", "Pickle imports through a copyreg extension code", CUSTODY_SEV_HIGH,
      "EXT1/EXT2/EXT4 name an import by a number registered with copyreg.add_extension in the "
      "loading process. The registry is empty by default; the name cannot be checked.",
      "Do not load this file unless the process that loads it registers known extensions." },
    { "pickle/global-mutation", "Pickle modifies an imported object", CUSTODY_SEV_HIGH,
      "BUILD, SETITEM(S), APPEND(S) or ADDITEMS is applied to an imported class, function or "
      "module rather than to a new instance, changing it for the whole process (for example "
      "replacing a method, or adding to sys.path or os.environ).",
      "Do not load this file." },
    { "pickle/code-in-state", "Object state carries code its class executes on load",
      CUSTODY_SEV_CRITICAL,
      "BUILD hands an object a state that its class's __setstate__ executes: scipy.stats "
      "distributions (rv_generic and every subclass) exec() their _parse_arg_template "
      "attribute when unpickled. Real distributions hold three generated argument-parser "
      "functions there; anything else (a call, an import, an attribute other than "
      "self._argcheck_rvs, a statement other than def/return) runs as Python on load.",
      "Do not load this file; the distribution's state was crafted to run code." },
    { "pickle/persistent-id", "Pickle uses persistent ids", CUSTODY_SEV_LOW,
      "PERSID/BINPERSID hand an id to the loader's persistent_load. Outside PyTorch "
      "checkpoints this needs custom loader code; in a checkpoint, an id that is not a storage "
      "reference is unexpected.",
      "Make sure the persistent_load used to open the file is trusted." },
    { "pickle/trailing-data", "Data after the end of the pickle", CUSTODY_SEV_MEDIUM,
      "Bytes follow the STOP opcode and are not another pickle. pickle.load ignores them, but "
      "other readers may not; data hidden there escapes scanners that stop at STOP.",
      "Find out what the extra bytes are; re-create the file without them." },
    { "pickle/out-of-band-buffer", "Pickle refers to out-of-band buffers", CUSTODY_SEV_LOW,
      "NEXT_BUFFER (protocol 5) takes data from buffers passed to the loader, not from the "
      "file. Loading without them fails; with them, content Custody did not see is used.",
      "Check where the out-of-band buffers come from." },
    { "pickle/nested-archive", "Zip archive inside a pickle value", CUSTODY_SEV_INFO,
      "A bytes value holds a zip archive, typically the torch.save output that "
      "torch.storage._load_from_bytes loads when a tensor was pickled with plain pickle. Its "
      "members are analysed like any checkpoint's.",
      "Nothing to do unless its members raise findings." },
    { "pickle/nested-pickle", "Pickle nested in a value", CUSTODY_SEV_INFO,
      "A bytes or string value holds another pickle, raw or as base64 or hex text, which runs "
      "if the program decodes and unpickles it after loading. It is analysed as its own "
      "location.",
      "Review the findings of the nested pickle." },
};

CU_RULE_TABLE(cu_rules_pickle, pickle_rules);
