/* Pickle import policy: denylist, allowlist and the Python 2 / moved-module mapping.
 *
 * Order (DESIGN §1.4): canonical spelling first, then DENY (wins), then ALLOW, else UNKNOWN.
 * Deny is checked on every way a loader could resolve the dotted path: the module itself and
 * its parents (`os.path` -> `os`), and every module alias reachable through a dotted qualname
 * (`pathlib` + `os.system` -> `os.system`, fickling GHSA-5j3x-jp52-966f). The allowlist only
 * accepts exact, data-only constructors; a dotted qualname is never safe unless listed.
 * Sources for every deny entry: docs/bypasses.md. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "custody/rules.h"
#include "rules/pickle_policy.h"
#include "core/banned.h"

#define D(m, n, w)                              \
    {                                           \
        (m), (n), CUSTODY_PICKLE_DANGEROUS, (w) \
    }
#define S(m, n)                             \
    {                                       \
        (m), (n), CUSTODY_PICKLE_SAFE, NULL \
    }
/* A class allowlisted only to be rebuilt from saved state (see cu_pickle_state_only). */
#define SN(m, n)                                            \
    {                                                       \
        (m), (n), CUSTODY_PICKLE_SAFE, cu_pickle_state_only \
    }

const char cu_pickle_state_only[] =
    "allowlisted only to be rebuilt from its saved state (cls.__new__, then its fields)";

#define W_EXEC   "executes Python source or code objects"
#define W_SHELL  "runs shell commands or spawns processes"
#define W_IMPORT "imports modules or resolves names to arbitrary callables"
#define W_FILE   "reads, writes or deletes arbitrary files"
#define W_NET    "opens network connections (download, exfiltration, SSRF)"
#define W_PICKLE "unpickles nested data with no restriction (pickle inside pickle)"
#define W_NATIVE "loads native libraries or touches raw memory"
#define W_CALLER "turns strings into attribute lookups or calls on any object"

static const custody_pickle_policy_entry policy[] = {
    /* ---- generic rules (module "*") ---- */
    D("*",
      "__*__",
      "dunder attribute walk (__builtins__, __globals__, __loader__, __class__, __subclasses__) "
      "reaches builtins, import machinery or any object; fickling GHSA-5j3x-jp52-966f class"),
    D("*", ".from_file", "maps or reads an arbitrary file (torch Storage.from_file, ...)"),
    D("torch", "from_file", "maps an arbitrary file into a tensor"),
    D("torch._C._VariableFunctions", "from_file", "maps an arbitrary file into a tensor"),
    D("*",
      ".from_pretrained",
      "method reference that downloads/loads a model, possibly with remote code (transformers "
      "trust_remote_code); generic loader gadget"),
    D("*", ".load", "method reference that loads a nested file or pickle (e.g. torch.jit, dill)"),
    D("*",
      ".loads",
      "method reference that deserialises nested bytes (Grammar.loads, "
      "picklescan GHSA-f54q-57x4-jg88)"),
    D("*",
      ".load_config",
      "method reference that unpickles config bytes (ConfigModule.load_config, "
      "picklescan GHSA-vv6j-3g6g-2pvj)"),
    D("*",
      ".run",
      "method reference that runs code (Trace.run / Profile.run, picklescan "
      "GHSA-5qwp-399c-mjwf, GHSA-x696-vm39-cp64)"),
    D("*",
      ".runctx",
      "method reference that runs code (Trace.runctx / Profile.runctx, picklescan "
      "GHSA-g344-hcph-8vgg, GHSA-6vqj-c2q5-j97w)"),
    D("*",
      ".runcall",
      "method reference that calls an arbitrary callable under a profiler/debugger"),
    D("*",
      ".runcode",
      "method reference that executes code (InteractiveInterpreter.runcode, "
      "idlelib Executive.runcode; picklescan GHSA-cj3c-v495-4xqh, GHSA-m869-42cg-3xwr)"),
    D("*",
      ".runsource",
      "method reference that compiles and runs source (code.InteractiveInterpreter."
      "runsource; fickling GHSA-q5qq-mvfm-j35x)"),
    D("*",
      ".runcommand",
      "method reference that runs source (idlelib ModifiedInterpreter.runcommand, "
      "picklescan GHSA-j343-8v2j-ff7w)"),
    D("*",
      ".evaluate_guards_expression",
      "method reference that eval()s an expression (torch.fx "
      "ShapeEnv, picklescan GHSA-f4x7-rfwp-v3xw)"),
    D("*", ".exec_module", "method reference that executes a module (importlib loaders)"),
    D("*", ".load_module", "method reference that executes a module (importlib/zipimport loaders)"),
    D("*", ".system", "method reference named like os.system reached through an alias"),
    D("*",
      ".popen",
      "method reference named like os.popen/platform.popen reached through an alias"),

    /* ---- builtins (py2 __builtin__/__builtins__/exceptions map here) ---- */
    D("builtins", "eval", W_EXEC "; the classic pickle RCE, every scanner's first entry"),
    D("builtins", "exec", W_EXEC "; the classic pickle RCE"),
    D("builtins", "compile", "builds code objects for exec/eval/FunctionType"),
    D("builtins", "execfile", "Python 2 execfile: runs a file as code"),
    D("builtins",
      "__import__",
      W_IMPORT "; fickling GHSA-h4rm-mm56-xf63, picklescan "
               "GHSA-955r-x9j8-7rhh (with operator.methodcaller)"),
    D("builtins",
      "getattr",
      W_CALLER "; getattr(import_module('os'),'system') chains, fickling "
               "GHSA-q5qq-mvfm-j35x / GHSA-5hvc-6wx8-mvv4"),
    D("builtins", "setattr", "overwrites attributes of modules/classes (monkey-patching on load)"),
    D("builtins", "delattr", "deletes attributes of modules/classes"),
    D("builtins", "globals", "exposes a module namespace dict (reach any global by item access)"),
    D("builtins", "locals", "exposes a namespace dict"),
    D("builtins", "vars", "exposes an object's __dict__ (sys.modules-like reach)"),
    D("builtins", "dir", "enumerates attributes for gadget discovery; listed by ModelAudit"),
    D("builtins", "open", W_FILE "; every scanner denies it"),
    D("builtins", "file", "Python 2 file(): opens arbitrary files"),
    D("builtins", "input", "reads stdin / blocks the loader; listed by ModelAudit"),
    D("builtins", "raw_input", "Python 2 input; listed by ModelAudit"),
    D("builtins",
      "breakpoint",
      "starts a debugger (pdb), which evaluates input; picklescan/modelscan"),
    D("builtins", "help", "starts pydoc, whose pager runs $PAGER through a shell"),
    D("builtins",
      "apply",
      "Python 2 apply(f, args): a call primitive; picklescan/modelscan list it"),
    D("builtins", "reload", "Python 2 reload(): re-executes a module"),
    D("builtins", "exit", "site.Quitter: terminates the loading process"),
    D("builtins", "quit", "site.Quitter: terminates the loading process"),
    D("builtins", "type", "three-argument type() builds classes from attacker dicts"),
    D("builtins", "super", "reaches parent-class methods of gadget objects"),
    D("builtins", "memoryview", "raw buffer access to objects reached by other gadgets"),

    /* ---- processes and shells ---- */
    D("os",
      "*",
      W_SHELL " (system, popen, exec*, spawn*, posix_spawn) and " W_FILE "; os.path is os too"),
    D("posix", "*", "os on POSIX: system/popen/exec*; picklescan/modelscan alias entry"),
    D("nt", "*", "os on Windows: system/startfile; picklescan/modelscan alias entry"),
    D("subprocess", "*", W_SHELL "; Popen, run, call, check_output, getoutput"),
    D("_posixsubprocess", "*", "fork_exec spawns processes; fickling GHSA-m6fh-58r7-x697"),
    D("_winapi", "*", "CreateProcess and raw handle access on Windows"),
    D("commands", "*", "Python 2 commands.getoutput runs shell commands; picklescan 2025 list"),
    D("popen2", "*", "Python 2 popen2 runs shell commands"),
    D("pty",
      "*",
      "pty.spawn runs a program; fickling GHSA-r7v6-mfhq-g3m2, picklescan "
      "GHSA-vqmv-47xg-9wpr"),
    D("pexpect", "*", "spawns processes; ModelAudit/fickling lists"),
    D("pipes", "*", "pipes.Template runs shell pipelines (fickling 2026 list)"),
    D("platform",
      "*",
      "platform.popen and _syscmd_* run shell commands; fickling "
      "GHSA-5cxw-w2xg-2m8h, ModelAudit"),
    D("uuid",
      "_*",
      "uuid._get_command_stdout/_popen run commands via subprocess; picklescan "
      "GHSA-g38g-8gr9-h9xp, fickling GHSA-5hwf-rc88-82xm"),
    D("uuid", "getnode", "probes MAC address by running ifconfig/arp/netstat on some platforms"),
    D("uuid", "uuid1", "calls getnode(), which may run external commands"),
    D("_osx_support",
      "*",
      "_read_output/_find_build_tool run shell commands; picklescan "
      "GHSA-g38g-8gr9-h9xp, fickling GHSA-5hwf-rc88-82xm"),
    D("_aix_support", "*", "_read_cmd_output runs shell commands; picklescan GHSA-g38g-8gr9-h9xp"),
    D("_pyrepl",
      "*",
      "pager.pipe_pager/tempfile_pager run shell commands; picklescan "
      "GHSA-g38g-8gr9-h9xp"),
    D("pydoc",
      "*",
      "pydoc.locate imports any dotted name, pipepager/pager run shell commands; "
      "picklescan GHSA-84r2-jw7c-4r5q, fickling GHSA-5hvc-6wx8-mvv4"),
    D("webbrowser", "*", "opens URLs, runs browser commands ($BROWSER); modelscan/picklescan"),
    D("mailcap",
      "*",
      "findmatch() runs the test command of a mailcap entry through os.system (picklescan and "
      "modelscan PRs, 2026-05); getcaps() reads files"),
    D("cgitb", "*", "hooks exceptions, writes reports to files, looks names up in frames"),
    D("mimetypes", "init", "reads arbitrary files as MIME tables"),
    D("mimetypes", "read_mime_types", "reads an arbitrary file"),
    D("scipy.weave", "*", "compiles and runs inline C/C++ code (scipy < 0.19)"),
    D("weave", "*", "compiles and runs inline C/C++ code"),
    D("imaplib",
      "IMAP4_stream",
      "runs its argument as a shell command; picklescan GHSA-g38g-8gr9-h9xp"),
    D("imaplib", "*", W_NET "; fickling/ModelAudit list"),
    D("multiprocessing",
      "*",
      "spawns processes (util.spawnv_passfds; fickling GHSA-q5qq-mvfm-j35x)"),
    D("_multiprocessing", "*", "multiprocessing internals"),
    D("concurrent.futures", "ProcessPoolExecutor", "spawns worker processes"),
    D("concurrent.futures.process", "*", "spawns worker processes"),
    D("concurrent.interpreters", "*", "runs code in a subinterpreter"),
    D("_interpreters",
      "*",
      "run_string executes code in a subinterpreter; fickling GHSA-6ggj-6f2q-f7mx"),
    D("_xxsubinterpreters", "*", "run_string executes code; fickling GHSA-6ggj-6f2q-f7mx"),
    D("asyncio",
      "*",
      "asyncio.unix_events._UnixSubprocessTransport._start / create_subprocess_* "
      "spawn processes; picklescan GHSA-q77w-mwjj-7mqx, CVE-2025-10157"),
    D("signal", "*", "installs signal handlers / alarms that call arbitrary callables later"),
    D("_signal", "*", "signal internals"),
    D("threading", "*", "starts threads and timers running callables"),
    D("_thread", "*", "start_new_thread runs callables"),
    D("atexit", "*", "registers callables run at interpreter exit; fickling GHSA-m6fh-58r7-x697"),
    D("site", "*", "site.addsitedir executes .pth files; fickling GHSA-m6fh-58r7-x697"),
    D("tkinter", "*", "Tk().eval runs Tcl, which can exec programs"),
    D("_tkinter", "*", "Tcl interpreter"),
    D("sys", "*", "sys.modules reaches every loaded module; setprofile/settrace install callbacks"),

    /* ---- code execution, compilation, debuggers, profilers ---- */
    D("code",
      "*",
      "InteractiveInterpreter.runsource/runcode and interact execute source; "
      "picklescan GHSA-cj3c-v495-4xqh, fickling GHSA-q5qq-mvfm-j35x"),
    D("codeop", "*", "compiles source into code objects"),
    D("runpy",
      "*",
      "run_path/run_module/_run_code execute files or code; fickling "
      "GHSA-wfq2-52f7-7qvj, picklescan runpy entry"),
    D("marshal",
      "*",
      "marshal.loads builds code objects for types.FunctionType; fickling "
      "GHSA-565g-hwwr-4pp3"),
    D("types", "CodeType", "builds code objects; picklescan GHSA-9m3x-qqw2-h32h"),
    D("types",
      "FunctionType",
      "turns a code object into a callable function; fickling "
      "GHSA-565g-hwwr-4pp3"),
    D("types", "LambdaType", "alias of FunctionType"),
    D("types", "MethodType", "binds callables to objects"),
    D("types", "new_class", "calls exec_body callbacks while building a class"),
    D("types", "ModuleType", "creates module objects for import-system abuse"),
    D("timeit",
      "*",
      "timeit.timeit/repeat/Timer compile and run statement strings; picklescan "
      "2025 list"),
    D("cProfile",
      "*",
      "cProfile.run/runctx exec() strings; picklescan GHSA-49gj-c84q-6qm9, "
      "GHSA-9w88-8rmg-7g2p, fickling GHSA-p523-jq9w-64x9"),
    D("profile",
      "*",
      "profile.run/runctx and Profile.run/runctx exec() strings; picklescan "
      "GHSA-7wx9-6375-f5wh, GHSA-x696-vm39-cp64, GHSA-6vqj-c2q5-j97w"),
    D("trace",
      "*",
      "Trace.run/runctx exec() strings; picklescan GHSA-5qwp-399c-mjwf, "
      "GHSA-g344-hcph-8vgg"),
    D("pdb", "*", "pdb.run/runeval/runcall execute code; modelscan/picklescan debugger entry"),
    D("bdb", "*", "Bdb.run/runeval/runctx execute code; picklescan 2024 debugger entry"),
    D("doctest",
      "*",
      "debug_script/run_docstring_examples execute code; picklescan "
      "GHSA-fqq6-7vqf-w3fg, fickling GHSA-pc6j-px3p-rrj4"),
    D("unittest", "*", "test loaders import and run code; fickling GHSA-pc6j-px3p-rrj4"),
    D("test",
      "*",
      "test.support.script_helper.assert_python_ok spawns Python; picklescan "
      "GHSA-g38g-8gr9-h9xp, fickling GHSA-pc6j-px3p-rrj4"),
    D("idlelib",
      "*",
      "run.Executive.runcode, pyshell.ModifiedInterpreter.runcode/runcommand, "
      "autocomplete/calltip get_entity eval(); picklescan GHSA-m869-42cg-3xwr, "
      "GHSA-3gf5-cxq9-w223, GHSA-j343-8v2j-ff7w, GHSA-6w4w-5w54-rjvr, "
      "GHSA-7cq8-mj8x-j263, GHSA-8r4j-24qv-fmq9, GHSA-9xph-j2h6-g47v, "
      "GHSA-3vg9-h568-4w9m"),
    D("lib2to3",
      "*",
      "pgen2.grammar.Grammar.loads unpickles, pgen.ParserGenerator.make_label "
      "eval()s; picklescan GHSA-f54q-57x4-jg88, GHSA-p9w7-82w4-7q8m"),
    D("compileall", "*", "compiles and writes .pyc files"),
    D("py_compile", "*", "compiles and writes .pyc files"),
    D("inspect",
      "*",
      "getattr-equivalent object introspection (getmembers, getattr_static); fickling"),
    D("gc",
      "*",
      "gc.get_objects/get_referrers reach every live object; fickling GHSA-r48f-3986-4f9c"),
    D("linecache", "*", "reads arbitrary files (getline); fickling GHSA-r48f-3986-4f9c"),
    D("difflib", "*", "listed by fickling GHSA-r48f-3986-4f9c as a file/object reach gadget"),

    /* ---- imports and name resolution ---- */
    D("importlib",
      "*",
      "import_module/reload/util.spec_from_file_location import or execute "
      "modules; fickling GHSA-q5qq-mvfm-j35x, ModelAudit"),
    D("_imp", "*", "import machinery internals (create_dynamic loads extension modules)"),
    D("imp", "*", "imp.load_source/load_dynamic execute files (fickling 2026 list)"),
    D("_frozen_importlib", "*", "import machinery (fickling 2026 list)"),
    D("_frozen_importlib_external",
      "*",
      "SourceFileLoader etc. execute files (fickling 2026 list)"),
    D("zipimport", "*", "zipimporter.load_module executes code from an archive"),
    D("pkgutil",
      "*",
      "resolve_name('os:system') resolves any callable; picklescan "
      "GHSA-vvpj-8cmc-gx39, ModelAudit"),
    D("pkg_resources", "*", "EntryPoint.load/resolve import arbitrary callables"),
    D("importlib_metadata", "*", "EntryPoint.load imports arbitrary callables"),
    D("operator",
      "*",
      "attrgetter/methodcaller/itemgetter/call turn strings into calls; "
      "picklescan GHSA-46h3-79wf-xr6c, GHSA-955r-x9j8-7rhh, modelscan"),
    D("_operator",
      "*",
      "C implementation of operator; picklescan GHSA-955r-x9j8-7rhh, "
      "GHSA-46h3-79wf-xr6c"),
    D("functools",
      "partial",
      "binds arguments to any callable (partial(os.system, cmd)); picklescan "
      "2025 advisory (malicious17-20)"),
    D("functools", "partialmethod", "binds arguments to any callable"),
    D("functools", "reduce", "calls a callable repeatedly; ModelAudit list"),
    D("copyreg", "add_extension", "rewrites the EXT opcode registry mid-load (EXT confusion)"),
    D("copyreg", "remove_extension", "rewrites the EXT opcode registry"),
    D("copyreg", "clear_extension_cache", "rewrites the EXT opcode registry"),
    D("copyreg", "pickle", "registers reducers globally"),
    D("copyreg", "constructor", "registers constructors globally"),
    D("logging.config",
      "*",
      "listen() evals received config; dictConfig '()' factories resolve "
      "strings to callables; fickling GHSA-mhc9-48gj-9gp3"),
    D("logging.handlers", "*", "file, socket, SMTP and HTTP handlers"),
    D("logging", "FileHandler", "creates arbitrary files; picklescan GHSA-m7j5-r2p5-c39r"),
    D("logging", "basicConfig", "filename= creates arbitrary files"),
    D("logging", "config", "logging.config reached as an attribute"),
    D("logging", "handlers", "logging.handlers reached as an attribute"),

    /* ---- nested deserialisation ---- */
    D("pickle", "*", "pickle.loads of nested bytes (cPickle maps here); picklescan/modelscan"),
    D("_pickle", "*", "C pickle: loads/Unpickler; picklescan/modelscan"),
    D("_compat_pickle", "*", "pickle name-mapping tables (mutable)"),
    D("pickletools", "*", "pickle internals"),
    D("_pyio", "*", "pure-Python io: open/FileIO; " W_FILE),
    D("dill", "*", W_PICKLE " and rebuilds functions from code; ModelAudit/fickling"),
    D("cloudpickle",
      "*",
      "_make_function/_builtin_type/subimport rebuild arbitrary code; "
      "picklescan GHSA-9m3x-qqw2-h32h"),
    D("shelve", "*", "opens database files whose values are pickles"),
    /* A pickle has no reason to reach a pickle scanner but to switch it off (fickling's
     * always-on hook, picklescan/modelscan allowlists patched at load time). */
    D("fickling", "*", "pickle scanner internals: a payload that disables the safety hooks"),
    D("picklescan", "*", "pickle scanner internals: a payload that edits its allowlists"),
    D("modelscan", "*", "model scanner internals: a payload that edits its settings"),
    D("modelaudit", "*", "model scanner internals: a payload that edits its rules"),
    /* Other deserialisers that build arbitrary Python objects from their input. */
    D("yaml", "load", "PyYAML < 5.1 builds !!python/object tags (calls any callable)"),
    D("yaml", "load_all", "PyYAML < 5.1 builds !!python/object tags (calls any callable)"),
    D("yaml", "unsafe_load", "builds !!python/object/apply tags: calls any callable"),
    D("yaml", "unsafe_load_all", "builds !!python/object/apply tags: calls any callable"),
    D("yaml", "full_load", "FullLoader: python/object tags (CVE-2020-14343)"),
    D("yaml", "full_load_all", "FullLoader: python/object tags (CVE-2020-14343)"),
    D("yaml", "UnsafeLoader", "constructs arbitrary Python objects"),
    D("yaml", "Loader", "constructs arbitrary Python objects (PyYAML < 5.1)"),
    D("yaml.constructor", "*", "YAML constructors: python/object tags"),
    D("yaml.loader", "*", "YAML loaders: python/object tags"),
    D("jsonpickle", "*", "decode() rebuilds py/reduce entries: calls any callable"),
    D("jsonpickle.unpickler", "*", "decode() rebuilds py/reduce entries: calls any callable"),
    D("IPython", "*", "embed()/start_ipython() run an interactive interpreter"),
    D("IPython.core.interactiveshell", "*", "run_cell/ex/ev execute Python source"),
    D("dbm", "*", "opens/creates database files"),
    D("joblib", "load", W_PICKLE),
    D("joblib", "dump", W_FILE),
    D("joblib", "Memory", "cache that reloads pickles from disk"),
    D("joblib", "Parallel", "runs callables in worker processes"),
    D("joblib", "delayed", "wraps callables for Parallel"),
    D("joblib", "parallel_backend", "configures process pools"),
    D("joblib", "register_parallel_backend", "registers process pools"),
    D("joblib", "register_store_backend", "registers cache backends"),
    D("joblib", "wrap_non_picklable_objects", "wraps callables with cloudpickle"),
    D("joblib.numpy_pickle", "load", W_PICKLE),
    D("joblib.numpy_pickle", "dump", W_FILE),
    D("joblib.numpy_pickle_compat", "load_compatibility", "legacy joblib loader: " W_PICKLE),
    D("joblib.numpy_pickle_compat", "read_zfile", "legacy joblib reader"),
    D("joblib.numpy_pickle_compat", "write_zfile", W_FILE),
    D("joblib.parallel", "*", "process pools"),
    D("joblib.memory", "*", "disk cache of pickles"),
    D("joblib._store_backends", "*", "disk cache of pickles"),
    D("joblib.externals", "*", "vendored cloudpickle/loky: code rebuild and process pools"),
    D("joblib.pool", "*", "process pools"),
    D("joblib.executor", "*", "process pools"),
    D("joblib._parallel_backends", "*", "process pools"),
    D("numpy", "load", "numpy.load(allow_pickle=True) unpickles nested data"),
    D("numpy", "loads", "old numpy.loads is pickle.loads"),
    D("numpy", "save", W_FILE),
    D("numpy", "savez", W_FILE),
    D("numpy", "savez_compressed", W_FILE),
    D("numpy", "savetxt", W_FILE),
    D("numpy", "fromfile", "reads arbitrary files"),
    D("numpy", "memmap", "maps arbitrary files"),
    D("numpy", "ndarray.tofile", "writes an array's bytes to any path"),
    D("numpy", "ndarray.dump", "pickles an array to any path"),
    D("numpy", "save", "writes arrays to any path"),
    D("numpy", "savez", "writes arrays to any path"),
    D("numpy", "savetxt", "writes text to any path"),
    D("numpy.core.numeric", "loads", "old numpy.loads alias of pickle.loads"),
    D("numpy.lib.npyio", "*", "numpy.load/save implementation"),
    D("numpy.lib._npyio_impl", "*", "numpy.load/save implementation (numpy 2)"),
    D("numpy.lib.format", "read_array", "read_array(allow_pickle=True) unpickles"),
    D("numpy.testing",
      "*",
      "numpy.testing._private.utils.runstring is exec(); picklescan 2025 list"),
    D("numpy.f2py",
      "*",
      "crackfortran.getlincoef/_eval_length eval() strings, f2py compiles; "
      "picklescan GHSA-r8g5-cgf2-4m4m"),
    D("numpy.distutils", "*", "runs build commands; fickling ML list"),
    D("numpy.ctypeslib", "*", "load_library dlopens native code"),
    D("pandas", "read_pickle", W_PICKLE),
    D("pandas", "eval", W_EXEC),
    D("pandas", "read_*", "reads files/URLs (read_csv, read_html, ...)"),
    D("pandas", "to_pickle", W_FILE),
    D("pandas.io", "*", "file/URL readers and pandas.io.pickle.read_pickle"),
    D("pandas.core.computation", "*", "pandas.eval engine: evaluates expressions"),
    D("torch",
      "load",
      "torch.load of another file (weights_only=False before 2.6): picklescan "
      "advisory, fickling ML list"),
    D("torch", "save", W_FILE),
    D("torch", "compile", "compiles and runs generated code (fickling ML list)"),
    D("torch", "hub", "torch.hub reached as an attribute"),
    D("torch", "ops", "torch.ops.load_library dlopens native code"),
    D("torch", "classes", "torch.classes.load_library dlopens native code"),
    D("torch._ops", "*", "ops.load_library dlopens native code"),
    D("torch._classes", "*", "classes.load_library dlopens native code"),
    D("torch.serialization", "load", "torch.load again; picklescan 2025 advisory"),
    D("torch.serialization", "_load", "torch.load internals"),
    D("torch.serialization", "_legacy_load", "torch.load internals"),
    D("torch.serialization", "save", W_FILE),
    D("torch.serialization", "_save", W_FILE),
    D("torch.serialization", "_legacy_save", W_FILE),
    D("torch.hub", "*", "downloads and runs hubconf.py; fickling ML list"),
    D("torch.utils.cpp_extension", "*", "load_inline/load compile and dlopen C++"),
    D("torch._inductor",
      "*",
      "codecache.compile_file runs compilers, generated code runs; "
      "picklescan 2025 advisory"),
    D("torch._dynamo", "*", "guards.GuardBuilder.get eval()s; picklescan GHSA-86cj-95qr-2p4f"),
    D("torch.fx",
      "*",
      "graph_module.reduce_graph_module exec()s source; experimental."
      "symbolic_shapes.ShapeEnv.evaluate_guards_expression eval()s (picklescan "
      "GHSA-f4x7-rfwp-v3xw)"),
    D("torch.jit", "load", "loads a TorchScript archive from a path"),
    D("torch.jit", "script", "compiles Python source"),
    D("torch.jit", "trace", "runs a callable to trace it"),
    D("torch.jit", "CompilationUnit", "compiles TorchScript source"),
    D("torch.jit._script", "*", "compiles source"),
    D("torch.jit._serialization", "*", "torch.jit.load implementation"),
    D("torch.jit._trace", "*", "runs callables"),
    D("torch.jit.frontend", "*", "parses/compiles source"),
    D("torch.jit.annotations", "*", "parse_type_line eval()s (CVE-2022-45907)"),
    D("torch.jit.unsupported_tensor_ops",
      "*",
      "execWrapper exec()s; picklescan "
      "GHSA-vr7h-p6mm-wpmh"),
    D("torch.utils.bottleneck",
      "*",
      "__main__.run_cprofile/run_autograd_prof exec(); picklescan "
      "GHSA-4r9r-ch6f-vxmx, GHSA-4whj-rm5r-c2v8"),
    D("torch.utils.collect_env",
      "*",
      "run/run_and_read_all run shell commands; picklescan "
      "GHSA-f745-w6jp-hpxx, GHSA-jhph-76pp-mggw"),
    D("torch.utils._config_module",
      "*",
      "ConfigModule.load_config unpickles; picklescan "
      "GHSA-vv6j-3g6g-2pvj"),
    D("torch.utils.data.datapipes.utils.decoder",
      "*",
      "basichandlers unpickles; picklescan "
      "GHSA-h3qp-7fh3-f8h4"),
    D("torch.utils.benchmark", "*", "Timer compiles and runs statement strings"),
    D("torch.distributed",
      "*",
      "rpc/RemoteModule/elastic run remote calls (CVE-2024-5480, "
      "CVE-2024-48063); fickling ML list"),
    D("torch.multiprocessing", "*", "spawns processes"),
    D("torch.package", "*", "PackageImporter imports code from an archive"),
    D("torch.testing._internal", "*", "test helpers that spawn processes and run code"),
    D("torch._export", "*", "loads and runs exported programs"),
    D("torch.export", "load", "loads exported programs"),
    D("sklearn.utils._testing", "*", "test helpers (assert_run_python_script spawns Python)"),
    D("sklearn.externals", "*", "vendored third-party code (joblib/loky/cloudpickle)"),
    D("sklearn.utils._joblib", "*", "re-exports joblib.load/Parallel/Memory"),
    D("tensorflow.io", "*", "gfile/write_file/read_file: file access (Keras/TF gadget class)"),
    D("tensorflow.python.ops.script_ops", "*", "py_func/numpy_function run Python callables"),
    D("tensorflow", "py_function", "runs a Python callable"),
    D("tensorflow", "numpy_function", "runs a Python callable"),
    D("tensorflow", "py_func", "runs a Python callable"),
    D("tensorflow.keras.utils", "get_file", "downloads files (CVE-2025-8747 gadget)"),
    D("keras.utils", "get_file", "downloads files (CVE-2025-8747 gadget)"),
    D("keras.src.utils.file_utils", "*", "get_file downloads/extracts files (CVE-2025-8747)"),
    D("keras.src.utils.python_utils", "func_load", "marshal-loads Python code (Lambda layers)"),
    D("keras.models", "load_model", "loads another model (nested deserialisation)"),
    D("keras.saving", "load_model", "loads another model (nested deserialisation)"),
    D("tensorflow.keras.models", "load_model", "loads another model (nested deserialisation)"),
    D("keras.layers", "Lambda", "Lambda layers rebuild marshalled Python code (CVE-2024-3660)"),
    D("transformers.dynamic_module_utils", "*", "imports remote code (trust_remote_code)"),
    D("transformers", "pipeline", "downloads models, possibly with remote code"),
    D("huggingface_hub", "*", "downloads files from the Hub"),
    D("diffusers.utils.dynamic_modules_utils", "*", "imports remote code"),

    /* ---- files, archives, packaging ---- */
    D("io", "open", W_FILE "; io.open is builtins.open"),
    D("io", "open_code", "opens files for execution"),
    D("io", "FileIO", W_FILE "; picklescan GHSA-9726-w42j-3qjr"),
    D("_io", "open", W_FILE),
    D("_io", "open_code", "opens files for execution"),
    D("_io", "FileIO", W_FILE "; io.FileIO pickles as _io.FileIO, picklescan GHSA-9726-w42j-3qjr"),
    D("codecs", "open", W_FILE),
    D("codecs", "EncodedFile", "wraps file objects"),
    D("shutil", "*", W_FILE " (rmtree, move, copy) and which(); modelscan/picklescan"),
    D("tempfile", "*", "creates files and directories"),
    D("glob", "*", "enumerates the file system; fickling GHSA-mhc9-48gj-9gp3"),
    D("fileinput", "*", "reads files, openhook callables; fickling GHSA-mhc9-48gj-9gp3"),
    D("filecmp", "*", "reads files; fickling/ModelAudit"),
    D("mmap", "*", "maps files and shared memory"),
    D("tarfile", "*", "extracts archives (path traversal); fickling GHSA-mhc9-48gj-9gp3"),
    D("zipfile", "*", "extracts archives; fickling GHSA-mhc9-48gj-9gp3"),
    D("sqlite3", "*", "creates database files, load_extension dlopens"),
    D("_sqlite3", "*", "sqlite3 internals"),
    D("distutils",
      "*",
      "file_util.write_file writes files, spawn runs commands; picklescan "
      "GHSA-m273-6v24-x4m4"),
    D("setuptools", "*", "spawn/sandbox/run_setup run commands and setup.py"),
    D("pip", "*", "pip.main installs packages (setup.py runs); CVE-2025-1716 bypassed picklescan"),
    D("ensurepip", "*", "_run_pip runs pip; picklescan GHSA-xp4f-hrf8-rxw7"),
    D("venv", "*", "creates environments and runs ensurepip; picklescan 2025 advisory"),
    D("syslog", "*", "writes to the system log; fickling GHSA-mhc9-48gj-9gp3"),

    /* ---- native code ---- */
    D("ctypes",
      "*",
      "CDLL/cdll/pythonapi call native code and raw memory; picklescan "
      "GHSA-4675-36f9-wf6r, fickling GHSA-5hvc-6wx8-mvv4"),
    D("_ctypes", "*", "ctypes internals (dlopen, raw calls)"),
    D("cffi", "*", "dlopen and native calls"),

    /* ---- network ---- */
    D("socket", "*", W_NET "; modelscan/picklescan"),
    D("_socket", "*", W_NET),
    D("ssl", "*", "get_server_certificate leaks data by DNS/TCP; picklescan 2025 list"),
    D("_ssl", "*", W_NET),
    D("socketserver", "*", "binds and serves sockets"),
    D("select", "*", "socket multiplexing"),
    D("selectors", "*", "socket multiplexing"),
    D("http", "*", "http.client connections, http.server servers (httplib maps here)"),
    D("urllib", "urlopen", "Python 2 urllib.urlopen"),
    D("urllib", "urlretrieve", "Python 2 urllib.urlretrieve writes files"),
    D("urllib", "request", "urllib.request reached as an attribute"),
    D("urllib.request",
      "*",
      "urlopen/urlretrieve: SSRF, exfiltration, downloads (urllib2 maps "
      "here); picklescan GHSA-9726-w42j-3qjr"),
    D("urllib3", "*", W_NET),
    D("requests", "*", W_NET "; modelscan requests.api"),
    D("httpx", "*", W_NET),
    D("aiohttp", "*", W_NET "; modelscan aiohttp.client"),
    D("smtplib", "*", W_NET "; fickling GHSA-mxhj-88fx-4pcv (OBJ + smtplib.SMTP)"),
    D("ftplib", "*", W_NET),
    D("poplib", "*", W_NET),
    D("telnetlib", "*", W_NET),
    D("nntplib", "*", W_NET),
    D("xmlrpc", "*", W_NET " and servers"),

    /* ================= allowlist: data-only constructors ================= */
    S("builtins", "set"),
    S("builtins", "frozenset"),
    S("builtins", "complex"),
    S("builtins", "range"),
    S("builtins", "slice"),
    S("builtins", "bytearray"),
    S("builtins", "bytes"),
    S("builtins", "list"),
    S("builtins", "dict"),
    S("builtins", "tuple"),
    S("builtins", "int"),
    S("builtins", "float"),
    S("builtins", "str"),
    S("builtins", "bool"),
    S("builtins", "object"),
    S("copyreg", "_reconstructor"),
    S("copyreg", "__newobj__"),
    S("copyreg", "__newobj_ex__"),
    S("_codecs", "encode"),
    S("collections", "OrderedDict"),
    S("collections", "defaultdict"),
    S("collections", "Counter"),
    S("collections", "deque"),
    S("collections", "ChainMap"),
    S("collections", "UserDict"),
    S("collections", "UserList"),
    S("collections", "UserString"),
    S("datetime", "date"),
    S("datetime", "datetime"),
    S("datetime", "time"),
    S("datetime", "timedelta"),
    S("datetime", "timezone"),
    S("decimal", "Decimal"),
    S("fractions", "Fraction"),
    S("argparse", "Namespace"),
    S("types", "SimpleNamespace"),
    S("uuid", "UUID"),
    S("uuid", "SafeUUID"),
    S("pathlib", "PurePath"),
    S("pathlib", "PurePosixPath"),
    S("pathlib", "PureWindowsPath"),
    S("re", "_compile"),
    S("_io", "BytesIO"),
    /* torch.load(weights_only=True) */
    S("torch", "Size"),
    S("torch", "device"),
    S("torch", "Tensor"),
    S("torch", "*Storage"),
    S("torch", "float32"),
    S("torch", "float"),
    S("torch", "float64"),
    S("torch", "double"),
    S("torch", "float16"),
    S("torch", "half"),
    S("torch", "bfloat16"),
    S("torch", "complex32"),
    S("torch", "complex64"),
    S("torch", "complex128"),
    S("torch", "cfloat"),
    S("torch", "cdouble"),
    S("torch", "chalf"),
    S("torch", "uint8"),
    S("torch", "uint16"),
    S("torch", "uint32"),
    S("torch", "uint64"),
    S("torch", "int8"),
    S("torch", "int16"),
    S("torch", "short"),
    S("torch", "int32"),
    S("torch", "int"),
    S("torch", "int64"),
    S("torch", "long"),
    S("torch", "bool"),
    S("torch", "qint8"),
    S("torch", "quint8"),
    S("torch", "qint32"),
    S("torch", "quint4x2"),
    S("torch", "quint2x4"),
    S("torch", "float8_e4m3fn"),
    S("torch", "float8_e5m2"),
    S("torch", "float8_e4m3fnuz"),
    S("torch", "float8_e5m2fnuz"),
    S("torch", "strided"),
    S("torch", "sparse_coo"),
    S("torch", "sparse_csr"),
    S("torch", "sparse_csc"),
    S("torch", "sparse_bsr"),
    S("torch", "sparse_bsc"),
    S("torch", "contiguous_format"),
    S("torch", "channels_last"),
    S("torch", "channels_last_3d"),
    S("torch", "preserve_format"),
    S("torch", "per_tensor_affine"),
    S("torch", "per_channel_affine"),
    S("torch", "per_channel_affine_float_qparams"),
    S("torch.cuda", "*Storage"),
    S("torch.storage", "TypedStorage"),
    S("torch.storage", "UntypedStorage"),
    S("torch._utils", "_rebuild_tensor"),
    S("torch._utils", "_rebuild_tensor_v2"),
    /* Its bytes argument (a torch.save output) is analysed by the VM as a nested archive. */
    S("torch.storage", "_load_from_bytes"),
    S("torch._utils", "_rebuild_tensor_v3"),
    S("torch._utils", "_rebuild_parameter"),
    S("torch._utils", "_rebuild_parameter_with_state"),
    S("torch._utils", "_rebuild_qtensor"),
    S("torch._utils", "_rebuild_sparse_tensor"),
    S("torch._utils", "_rebuild_sparse_csr_tensor"),
    S("torch._utils", "_rebuild_meta_tensor_no_storage"),
    S("torch._utils", "_rebuild_wrapper_subclass"),
    S("torch._utils", "_rebuild_nested_tensor"),
    S("torch._utils", "_rebuild_device_tensor_from_numpy"),
    S("torch._utils", "_rebuild_device_tensor_from_cpu_tensor"),
    S("torch._tensor", "_rebuild_from_type_v2"),
    S("torch.serialization", "_get_layout"),
    S("torch.nn.parameter", "Parameter"),
    S("torch.nn.parameter", "Buffer"),
    S("torch.nn.modules.*", "<Class>"),
    /* PyTorch <= 0.4 whole-module pickles: each module's _backend, called with no argument. */
    S("torch.nn.backends.thnn", "_get_thnn_function_backend"),
    /* Quantized and older-path module classes in whole-model pickles. */
    S("torch.ao.nn.*", "<Class>"),
    S("torch.nn.quantized.*", "<Class>"),
    S("torch.nn.intrinsic.*", "<Class>"),
    S("torch._C._nn", "gelu"),
    S("torch._C._nn", "silu"),
    S("torch._C._nn", "hardswish"),
    S("torch._C._nn", "elu"),
    S("torch._C._nn", "leaky_relu"),
    /* Pure activation functions that whole-model pickles store as attributes
     * (TransformerEncoderLayer.activation = F.relu). */
    S("torch.nn.functional", "relu"),
    S("torch.nn.functional", "relu6"),
    S("torch.nn.functional", "gelu"),
    S("torch.nn.functional", "silu"),
    S("torch.nn.functional", "elu"),
    S("torch.nn.functional", "selu"),
    S("torch.nn.functional", "celu"),
    S("torch.nn.functional", "leaky_relu"),
    S("torch.nn.functional", "prelu"),
    S("torch.nn.functional", "rrelu"),
    S("torch.nn.functional", "glu"),
    S("torch.nn.functional", "mish"),
    S("torch.nn.functional", "hardswish"),
    S("torch.nn.functional", "hardsigmoid"),
    S("torch.nn.functional", "hardtanh"),
    S("torch.nn.functional", "sigmoid"),
    S("torch.nn.functional", "tanh"),
    S("torch.nn.functional", "softplus"),
    S("torch.nn.functional", "softsign"),
    S("torch.nn.functional", "softmax"),
    S("torch.nn.functional", "log_softmax"),
    S("torch.nn.functional", "logsigmoid"),
    S("torch.nn.functional", "tanhshrink"),
    S("torch.nn.functional", "softshrink"),
    S("torch.nn.functional", "hardshrink"),
    /* torch.tanh and the other ATen functions pickle as getattr(torch._C._VariableFunctionsClass,
     * 'tanh') (torch >= 1.5) or torch._C._VariableFunctions.tanh. The class holds every ATen
     * function (from_file maps any file): only these pure ones are allowlisted; another name is
     * an unknown import, and calling the class is pickle/constructor-call. */
    SN("torch._C", "_VariableFunctionsClass"),
    S("torch._C", "_VariableFunctionsClass.tanh"),
    S("torch._C", "_VariableFunctionsClass.sigmoid"),
    S("torch._C", "_VariableFunctionsClass.relu"),
    S("torch._C", "_VariableFunctionsClass.exp"),
    S("torch._C", "_VariableFunctionsClass.log"),
    S("torch._C", "_VariableFunctionsClass.sin"),
    S("torch._C", "_VariableFunctionsClass.cos"),
    S("torch._C", "_VariableFunctionsClass.abs"),
    S("torch._C", "_VariableFunctionsClass.sqrt"),
    S("torch._C", "_VariableFunctionsClass.rsqrt"),
    S("torch._C", "_VariableFunctionsClass.softmax"),
    S("torch._C", "_VariableFunctionsClass.log_softmax"),
    S("torch._C", "_VariableFunctionsClass.selu"),
    S("torch._C", "_VariableFunctionsClass.celu"),
    S("torch._C", "_VariableFunctionsClass.rrelu"),
    S("torch._C", "_VariableFunctionsClass.prelu"),
    S("torch._C", "_VariableFunctionsClass.hardshrink"),
    S("torch._C", "_VariableFunctionsClass.threshold"),
    S("torch._C", "_VariableFunctionsClass.sign"),
    S("torch._C", "_VariableFunctionsClass.square"),
    S("torch._C", "_VariableFunctionsClass.erf"),
    S("torch._C", "_VariableFunctionsClass.clamp"),
    S("torch._C", "_VariableFunctionsClass.logsigmoid"),
    S("torch._C._VariableFunctions", "tanh"),
    S("torch._C._VariableFunctions", "sigmoid"),
    S("torch._C._VariableFunctions", "relu"),
    S("torch._C._VariableFunctions", "exp"),
    S("torch._C._VariableFunctions", "log"),
    S("torch._C._VariableFunctions", "sin"),
    S("torch._C._VariableFunctions", "cos"),
    S("torch._C._VariableFunctions", "abs"),
    S("torch._C._VariableFunctions", "sqrt"),
    S("torch._C._VariableFunctions", "rsqrt"),
    S("torch._C._VariableFunctions", "softmax"),
    S("torch._C._VariableFunctions", "log_softmax"),
    S("torch._C._VariableFunctions", "selu"),
    S("torch._C._VariableFunctions", "celu"),
    S("torch._C._VariableFunctions", "rrelu"),
    S("torch._C._VariableFunctions", "prelu"),
    S("torch._C._VariableFunctions", "hardshrink"),
    S("torch._C._VariableFunctions", "threshold"),
    S("torch._C._VariableFunctions", "sign"),
    S("torch._C._VariableFunctions", "square"),
    S("torch._C._VariableFunctions", "erf"),
    S("torch._C._VariableFunctions", "clamp"),
    S("torch._C._VariableFunctions", "logsigmoid"),
    /* Whole-model pickles: lazy parameters, weight/spectral norm hooks, hook handles, AMP. */
    S("torch.nn.parameter", "UninitializedParameter"),
    S("torch.nn.parameter", "UninitializedBuffer"),
    SN("torch.nn.utils.weight_norm", "WeightNorm"),
    SN("torch.nn.utils.spectral_norm", "SpectralNorm"),
    SN("torch.nn.utils.spectral_norm", "SpectralNormStateDictHook"),
    SN("torch.nn.utils.spectral_norm", "SpectralNormLoadStateDictPreHook"),
    SN("torch.utils.hooks", "RemovableHandle"),
    SN("torch.cuda.amp.grad_scaler", "GradScaler"),
    SN("torch.amp.grad_scaler", "GradScaler"),
    S("torch.cuda.amp.grad_scaler", "OptState"),
    S("torch.amp.grad_scaler", "OptState"),
    S("torch.cuda.amp.grad_scaler", "_refresh_per_optimizer_state"),
    S("torch.amp.grad_scaler", "_refresh_per_optimizer_state"),
    S("torch._tensor", "_rebuild_from_type"),
    /* torchvision whole models and transform pipelines (datasets download and stay unknown);
     * box_iou is what detection heads store as their similarity function. */
    SN("torchvision.models.*", "<Class>"),
    SN("torchvision.ops.*", "<Class>"),
    SN("torchvision.transforms.*", "<Class>"),
    S("torchvision.ops.boxes", "box_iou"),
    S("torchvision.ops.boxes", "generalized_box_iou"),
    S("torchvision.ops.boxes", "distance_box_iou"),
    S("torchvision.ops.boxes", "complete_box_iou"),
    S("torch.optim.*", "<Class>"),
    S("torch.jit._pickle", "build_intlist"),
    S("torch.jit._pickle", "build_tensorlist"),
    S("torch.jit._pickle", "build_doublelist"),
    S("torch.jit._pickle", "build_boollist"),
    S("torch.jit._pickle", "build_complexlist"),
    S("torch.jit._pickle", "build_tensor_from_id"),
    S("torch.jit._pickle", "restore_type_tag"),
    S("__torch__", "*"),
    S("__torch__.*", "*"),
    /* NumPy (numpy._core.* maps to numpy.core.*) */
    S("numpy", "ndarray"),
    S("numpy", "dtype"),
    S("numpy", "matrix"),
    S("numpy.matrixlib.defmatrix", "matrix"),
    S("numpy", "record"), /* record arrays: np.rec.array */
    S("numpy", "recarray"),
    S("numpy.core.records", "record"),
    S("numpy.core.records", "recarray"),
    /* plain data classes: BUILD sets their fields (poly1d's coefficients, chararray's data) */
    S("numpy", "poly1d"),
    S("numpy.lib.polynomial", "poly1d"),
    S("numpy.lib._polynomial_impl", "poly1d"), /* numpy 2 */
    S("numpy", "chararray"),
    /* numpy.vectorize keeps a function to call later (scipy's discrete distributions wrap
     * bound methods in it); constructing one calls nothing */
    S("numpy", "vectorize"),
    S("numpy.lib.function_base", "vectorize"),
    S("numpy.lib._function_base_impl", "vectorize"), /* numpy 2 */
    S("numpy.core.defchararray", "chararray"),
    S("numpy.char", "chararray"),
    S("numpy.core.multiarray", "_reconstruct"),
    S("numpy.core.multiarray", "scalar"),
    S("numpy.core.numeric", "_frombuffer"),
    /* getattr(__import__(m), n) in numpy < 1.20 ufunc pickles: the VM resolves its constant
     * arguments as the import m.n and classifies that. */
    S("numpy.core", "_ufunc_reconstruct"),
    S("numpy.ma.core", "_mareconstruct"),
    S("numpy.ma.core", "MaskedArray"),
    S("numpy.dtypes", "*DType"),
    S("numpy", "bool_"),
    S("numpy", "int8"),
    S("numpy", "int16"),
    S("numpy", "int32"),
    S("numpy", "int64"),
    S("numpy", "uint8"),
    S("numpy", "uint16"),
    S("numpy", "uint32"),
    S("numpy", "uint64"),
    S("numpy", "intc"),
    S("numpy", "intp"),
    S("numpy", "float16"),
    S("numpy", "float32"),
    S("numpy", "float64"),
    S("numpy", "longdouble"),
    S("numpy", "complex64"),
    S("numpy", "complex128"),
    S("numpy", "str_"),
    S("numpy", "bytes_"),
    S("numpy", "datetime64"),
    S("numpy", "timedelta64"),
    S("numpy", "void"),
    S("numpy.random._pickle", "__randomstate_ctor"),
    S("numpy.random", "__RandomState_ctor"),
    S("numpy.random.mtrand", "__RandomState_ctor"), /* numpy < 1.17 */
    /* Cython's pickle helper: cls.__new__ of its own type only, then __setstate__. */
    S("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
    S("numpy.random.bit_generator", "SeedSequence"),
    S("numpy.random._pickle", "__generator_ctor"),
    S("numpy.random._pickle", "__bit_generator_ctor"),
    S("numpy.random.mtrand", "RandomState"),
    S("numpy.random._generator", "Generator"),
    S("numpy.random._mt19937", "MT19937"),
    S("numpy.random._pcg64", "PCG64"),
    S("numpy.random._pcg64", "PCG64DXSM"),
    S("numpy.random._philox", "Philox"),
    S("numpy.random._sfc64", "SFC64"),
    /* pandas */
    S("pandas.core.*", "<Class>"),
    S("pandas.core.indexes.base", "_new_Index"),
    S("pandas.core.indexes.datetimes", "_new_DatetimeIndex"),
    S("pandas.core.indexes.period", "_new_PeriodIndex"),
    S("pandas.core.internals.blocks", "new_block"),
    S("pandas.core.internals.blocks", "_unpickle_block"),
    S("pandas._libs.internals", "_unpickle_block"),
    S("pandas.core.arrays.sparse.array", "_make_sparse"),
    S("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
    S("pandas._libs.tslibs.timestamps", "Timestamp"),
    S("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle"),
    S("pandas._libs.tslibs.timedeltas", "Timedelta"),
    S("pandas._libs.tslibs.nattype", "__nat_unpickle"),
    S("pandas._libs.tslibs.offsets", "<Class>"),
    S("pandas._libs.tslibs.period", "Period"),
    S("pandas._libs.interval", "Interval"),
    S("pandas._libs.arrays", "NDArrayBacked"),
    S("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),   /* pandas >= 1.3 arrays */
    S("pandas._libs.tslib", "Timestamp"),                       /* pandas 0.20-0.22 */
    S("pandas.tslib", "Timestamp"),                             /* pandas < 0.20 */
    S("pandas._libs.interval", "__pyx_unpickle_IntervalMixin"), /* IntervalArray */
    S("pandas.core.indexes.interval", "_new_IntervalIndex"),
    S("pandas._libs.missing", "NA"),
    S("pandas._libs.missing", "NAType"),
    S("pandas._libs.sparse", "IntIndex"),
    S("pandas._libs.sparse", "BlockIndex"),
    /* Time zones of tz-aware timestamps and indexes. pytz and zoneinfo load zone data only for
     * names in their own database (no paths). dateutil's tzfile(path) opens any file: only
     * tzfile(None, name), its pickled form, passes. */
    S("pytz", "_UTC"),
    S("pytz", "_p"),
    S("pytz.tzinfo", "unpickler"),
    S("zoneinfo", "ZoneInfo"),
    S("zoneinfo", "ZoneInfo._unpickle"),
    S("dateutil.tz.tz", "tzutc"),
    S("dateutil.tz.tz", "tzoffset"),
    S("dateutil.tz.tz", "tzlocal"),
    S("dateutil.tz.tz", "_ttinfo"),
    SN("dateutil.tz.tz", "tzfile"), /* the VM allows tzfile(None, name): see state_call */
    /* scikit-learn estimator and helper classes */
    S("sklearn.*", "<Class>"),
    /* Pure numeric functions stored as estimator parameters (strategy=numpy.mean,
     * FunctionTransformer(func=numpy.log1p), score_func=f_classif): references, never gadgets. */
    S("numpy", "mean"),
    S("numpy", "median"),
    S("numpy", "sum"),
    S("numpy", "min"),
    S("numpy", "max"),
    S("numpy", "std"),
    S("numpy", "var"),
    S("numpy", "average"),
    S("numpy", "nanmean"),
    S("numpy", "nanmedian"),
    S("numpy", "nansum"),
    S("numpy", "nanmin"),
    S("numpy", "nanmax"),
    S("numpy", "nanstd"),
    S("numpy", "nanvar"),
    S("numpy", "amin"),
    S("numpy", "amax"),
    S("numpy", "prod"),
    S("numpy", "percentile"),
    S("numpy", "quantile"),
    S("numpy", "argmax"),
    S("numpy", "argmin"),
    S("numpy", "cumsum"),
    S("numpy", "ptp"),
    S("numpy", "log"),
    S("numpy", "log1p"),
    S("numpy", "log2"),
    S("numpy", "log10"),
    S("numpy", "exp"),
    S("numpy", "expm1"),
    S("numpy", "sqrt"),
    S("numpy", "square"),
    S("numpy", "abs"),
    S("numpy", "absolute"),
    S("numpy", "negative"),
    S("numpy", "reciprocal"),
    S("numpy", "sign"),
    S("numpy", "sin"),
    S("numpy", "cos"),
    S("numpy", "tan"),
    S("numpy", "arcsin"),
    S("numpy", "arccos"),
    S("numpy", "arctan"),
    S("numpy", "sinh"),
    S("numpy", "cosh"),
    S("numpy", "tanh"),
    S("numpy", "arcsinh"),
    S("numpy", "arctanh"),
    S("numpy", "floor"),
    S("numpy", "ceil"),
    S("numpy", "rint"),
    S("numpy", "trunc"),
    S("numpy", "add"),
    S("numpy", "subtract"),
    S("numpy", "multiply"),
    S("numpy", "divide"),
    S("numpy", "true_divide"),
    S("numpy", "power"),
    S("numpy", "maximum"),
    S("numpy", "minimum"),
    S("numpy", "clip"),
    S("numpy.core._multiarray_umath", "log"),
    S("numpy.core._multiarray_umath", "log1p"),
    S("numpy.core._multiarray_umath", "log2"),
    S("numpy.core._multiarray_umath", "log10"),
    S("numpy.core._multiarray_umath", "exp"),
    S("numpy.core._multiarray_umath", "expm1"),
    S("numpy.core._multiarray_umath", "sqrt"),
    S("numpy.core._multiarray_umath", "square"),
    S("numpy.core._multiarray_umath", "abs"),
    S("numpy.core._multiarray_umath", "absolute"),
    S("numpy.core._multiarray_umath", "negative"),
    S("numpy.core._multiarray_umath", "reciprocal"),
    S("numpy.core._multiarray_umath", "sign"),
    S("numpy.core._multiarray_umath", "sin"),
    S("numpy.core._multiarray_umath", "cos"),
    S("numpy.core._multiarray_umath", "tan"),
    S("numpy.core._multiarray_umath", "arcsin"),
    S("numpy.core._multiarray_umath", "arccos"),
    S("numpy.core._multiarray_umath", "arctan"),
    S("numpy.core._multiarray_umath", "sinh"),
    S("numpy.core._multiarray_umath", "cosh"),
    S("numpy.core._multiarray_umath", "tanh"),
    S("numpy.core._multiarray_umath", "arcsinh"),
    S("numpy.core._multiarray_umath", "arctanh"),
    S("numpy.core._multiarray_umath", "floor"),
    S("numpy.core._multiarray_umath", "ceil"),
    S("numpy.core._multiarray_umath", "rint"),
    S("numpy.core._multiarray_umath", "trunc"),
    S("numpy.core._multiarray_umath", "add"),
    S("numpy.core._multiarray_umath", "subtract"),
    S("numpy.core._multiarray_umath", "multiply"),
    S("numpy.core._multiarray_umath", "divide"),
    S("numpy.core._multiarray_umath", "true_divide"),
    S("numpy.core._multiarray_umath", "power"),
    S("numpy.core._multiarray_umath", "maximum"),
    S("numpy.core._multiarray_umath", "minimum"),
    S("numpy.core._multiarray_umath", "clip"),
    S("numpy.core.fromnumeric", "mean"),
    S("numpy.core.fromnumeric", "median"),
    S("numpy.core.fromnumeric", "sum"),
    S("numpy.core.fromnumeric", "min"),
    S("numpy.core.fromnumeric", "max"),
    S("numpy.core.fromnumeric", "std"),
    S("numpy.core.fromnumeric", "var"),
    S("numpy.core.fromnumeric", "average"),
    S("sklearn.feature_selection._univariate_selection", "*"),
    /* Metric functions a search or a scorer keeps (GridSearchCV(scoring='accuracy') stores
     * _PredictScorer(accuracy_score, ...); scoring=None stores _passthrough_scorer): pure
     * computations on arrays. */
    S("sklearn.metrics._classification", "*"),
    S("sklearn.metrics._regression", "*"),
    S("sklearn.metrics._ranking", "*"),
    S("sklearn.metrics.cluster._supervised", "*"),
    S("sklearn.metrics.cluster._unsupervised", "*"),
    S("sklearn.metrics._scorer", "_passthrough_scorer"),
    S("sklearn.metrics._scorer", "negative_likelihood_ratio"),
    S("sklearn.metrics._scorer", "positive_likelihood_ratio"),
    S("sklearn.cluster._kmeans", "_kmeans_single_lloyd"),
    S("sklearn.cluster._kmeans", "_kmeans_single_elkan"),
    S("scipy.interpolate._bsplines", "BSpline"),
    /* Cython extension types pickle through generated __pyx_unpickle_<Class> functions and
     * sklearn's newObj(cls) helper: both only create an instance of their own class. */
    S("sklearn.*", "__pyx_unpickle_*"),
    S("sklearn.*", "newObj"),
    S("sklearn.utils._bunch", "Bunch"),
    /* joblib wrappers (sklearn.externals.joblib maps here) */
    S("joblib.numpy_pickle", "NumpyArrayWrapper"),
    S("joblib.numpy_pickle", "NDArrayWrapper"),
    S("joblib.numpy_pickle", "ZNDArrayWrapper"),
    S("joblib.numpy_pickle_compat", "NDArrayWrapper"),
    S("joblib.numpy_pickle_compat", "ZNDArrayWrapper"),
    /* scipy.stats distributions (RandomizedSearchCV(param_distributions=...) keeps them):
     * their __setstate__ exec()s the _parse_arg_template in their state, which the VM checks
     * on every BUILD (pickle/code-in-state). */
    S("scipy.stats._continuous_distns", "*_gen"),
    S("scipy.stats._discrete_distns", "*_gen"),
    S("scipy.stats._distn_infrastructure", "rv_continuous_frozen"),
    S("scipy.stats._distn_infrastructure", "rv_discrete_frozen"),
    S("scipy.stats._distn_infrastructure", "rv_frozen"),
    /* torch.distributed.checkpoint (FSDP/DCP checkpoints, Accelerate's pytorch_model_fsdp_0/):
     * the .metadata file pickles these dataclasses. The package is denied as a whole (rpc,
     * elastic, process groups); these exact names are plain data and win over that. */
    S("torch.distributed.checkpoint.metadata", "Metadata"),
    S("torch.distributed.checkpoint.metadata", "TensorStorageMetadata"),
    S("torch.distributed.checkpoint.metadata", "BytesStorageMetadata"),
    S("torch.distributed.checkpoint.metadata", "ChunkStorageMetadata"),
    S("torch.distributed.checkpoint.metadata", "TensorProperties"),
    S("torch.distributed.checkpoint.metadata", "MetadataIndex"),
    S("torch.distributed.checkpoint.metadata", "StorageMeta"),
    S("torch.distributed.checkpoint.metadata", "_MEM_FORMAT_ENCODING"),
    S("torch.distributed.checkpoint.filesystem", "_StorageInfo"),
    S("torch.distributed.checkpoint.filesystem", "_StoragePrefix"),
    S("torch.distributed._shard.sharded_tensor.metadata", "TensorProperties"),
    S("torch.distributed._shard.sharded_tensor.metadata", "MEM_FORMAT_ENCODING"),
    S("torch.distributed._shard.sharded_tensor.metadata", "ShardedTensorMetadata"),
    S("torch.distributed._shard.metadata", "ShardMetadata"),
    /* Trainer state that Hugging Face repositories and fine-tunes push (training_args.bin is
     * torch.save(TrainingArguments)) and that Lightning/NeMo .ckpt files carry. The dataclasses
     * and config objects below pickle as cls.__new__ + their fields (SN: calling them is
     * pickle/constructor-call); enums are looked up by value or by name. */
    SN("transformers.training_args", "TrainingArguments"),
    SN("transformers.training_args_seq2seq", "Seq2SeqTrainingArguments"),
    S("transformers.training_args", "OptimizerNames"),
    S("transformers.training_args", "ParallelMode"),
    S("transformers.trainer_utils", "IntervalStrategy"),
    S("transformers.trainer_utils", "EvaluationStrategy"),
    S("transformers.trainer_utils", "SaveStrategy"),
    S("transformers.trainer_utils", "SchedulerType"),
    S("transformers.trainer_utils", "HubStrategy"),
    S("transformers.trainer_utils", "FSDPOption"),
    S("transformers.trainer_utils", "ShardedDDPOption"),
    S("transformers.debug_utils", "DebugOption"),
    SN("transformers.trainer_pt_utils", "AcceleratorConfig"),
    SN("transformers.generation.configuration_utils", "GenerationConfig"),
    SN("transformers.integrations.deepspeed", "HfDeepSpeedConfig"),
    SN("transformers.integrations.deepspeed", "HfTrainerDeepSpeedConfig"),
    SN("transformers.deepspeed", "HfDeepSpeedConfig"),
    SN("transformers.deepspeed", "HfTrainerDeepSpeedConfig"),
    SN("accelerate.state", "PartialState"),
    SN("accelerate.state", "AcceleratorState"),
    S("accelerate.utils.dataclasses", "DistributedType"),
    S("accelerate.utils.dataclasses", "DynamoBackend"),
    S("accelerate.utils.dataclasses", "PrecisionType"),
    S("accelerate.utils.dataclasses", "ComputeEnvironment"),
    S("accelerate.utils.dataclasses", "SageMakerDistributedType"),
    S("accelerate.utils.dataclasses", "RNGType"),
    SN("accelerate.utils.dataclasses", "DataLoaderConfiguration"),
    SN("accelerate.utils.dataclasses", "GradientAccumulationPlugin"),
    SN("accelerate.utils.dataclasses", "ProjectConfiguration"),
    SN("accelerate.utils.dataclasses", "DeepSpeedPlugin"),
    SN("accelerate.utils.dataclasses", "TorchDynamoPlugin"),
    SN("trl.trainer.sft_config", "SFTConfig"),
    SN("trl.trainer.dpo_config", "DPOConfig"),
    S("trl.trainer.dpo_config", "FDivergenceType"),
    SN("trl.trainer.grpo_config", "GRPOConfig"),
    SN("trl.trainer.reward_config", "RewardConfig"),
    SN("trl.trainer.orpo_config", "ORPOConfig"),
    SN("trl.trainer.kto_config", "KTOConfig"),
    SN("trl.trainer.cpo_config", "CPOConfig"),
    SN("trl.trainer.ppo_config", "PPOConfig"),
    SN("trl.trainer.rloo_config", "RLOOConfig"),
    SN("trl.trainer.online_dpo_config", "OnlineDPOConfig"),
    SN("trl.trainer.gkd_config", "GKDConfig"),
    SN("trl.trainer.prm_config", "PRMConfig"),
    SN("trl.trainer.bco_config", "BCOConfig"),
    SN("sentence_transformers.training_args", "SentenceTransformerTrainingArguments"),
    S("sentence_transformers.training_args", "BatchSamplers"),
    S("sentence_transformers.training_args", "MultiDatasetBatchSamplers"),
    SN("sentence_transformers.cross_encoder.training_args", "CrossEncoderTrainingArguments"),
    SN("sentence_transformers.sparse_encoder.training_args", "SparseEncoderTrainingArguments"),
    SN("setfit.training_args", "TrainingArguments"),
    /* Lightning: hyper-parameters, and callback classes that PyTorch Lightning < 1.5 used as
     * the keys of checkpoint['callbacks'] (Stable Diffusion 1.x .ckpt files). */
    SN("pytorch_lightning.utilities.parsing", "AttributeDict"),
    SN("lightning_fabric.utilities.data", "AttributeDict"),
    SN("lightning.fabric.utilities.data", "AttributeDict"),
    SN("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint"),
    SN("pytorch_lightning.callbacks.early_stopping", "EarlyStopping"),
    SN("pytorch_lightning.callbacks.lr_monitor", "LearningRateMonitor"),
    SN("lightning.pytorch.callbacks.model_checkpoint", "ModelCheckpoint"),
    SN("lightning.pytorch.callbacks.early_stopping", "EarlyStopping"),
    SN("lightning.pytorch.callbacks.lr_monitor", "LearningRateMonitor"),
    /* omegaconf configs (Lightning/NeMo/Hydra hyper-parameters): __setstate__ updates the
     * instance's fields; typing names are their declared element and key types. */
    SN("omegaconf.dictconfig", "DictConfig"),
    SN("omegaconf.listconfig", "ListConfig"),
    SN("omegaconf.base", "ContainerMetadata"),
    SN("omegaconf.base", "Metadata"),
    SN("omegaconf.nodes", "AnyNode"),
    SN("omegaconf.nodes", "StringNode"),
    SN("omegaconf.nodes", "IntegerNode"),
    SN("omegaconf.nodes", "FloatNode"),
    SN("omegaconf.nodes", "BooleanNode"),
    SN("omegaconf.nodes", "BytesNode"),
    SN("omegaconf.nodes", "PathNode"),
    SN("omegaconf.nodes", "EnumNode"),
    SN("omegaconf.nodes", "InterpolationResultNode"),
    S("typing", "Any"),
    S("typing", "Dict"),
    S("typing", "List"),
    S("typing", "Tuple"),
    S("typing", "Optional"),
    S("typing", "Union"),
    /* SciPy sparse matrices and arrays */
    S("scipy.sparse.*", "*_matrix"),
    S("scipy.sparse.*", "*_array"),
    S("scipy.sparse", "*_matrix"),
    S("scipy.sparse", "*_array"),
};

/* ---- Python 2 and moved spellings ---- */
struct policy_map {
    const char *from, *to;
};

/* Whole-module renames, as in Python's _compat_pickle.IMPORT_MAPPING plus aliases. */
static const struct policy_map module_map[] = {
    { "__builtin__", "builtins" },
    { "__builtins__", "builtins" },
    { "exceptions", "builtins" },
    { "copy_reg", "copyreg" },
    { "cPickle", "pickle" },
    { "StringIO", "io" },
    { "cStringIO", "io" },
    { "Queue", "queue" },
    { "UserDict", "collections" },
    { "UserList", "collections" },
    { "UserString", "collections" },
    { "urllib2", "urllib.request" },
    { "urlparse", "urllib.parse" },
    { "httplib", "http.client" },
    { "cookielib", "http.cookiejar" },
    { "BaseHTTPServer", "http.server" },
    { "SimpleHTTPServer", "http.server" },
    { "CGIHTTPServer", "http.server" },
    { "xmlrpclib", "xmlrpc.client" },
    { "SimpleXMLRPCServer", "xmlrpc.server" },
    { "SocketServer", "socketserver" },
    { "thread", "_thread" },
    { "dummy_thread", "_thread" },
    { "anydbm", "dbm" },
    { "whichdb", "dbm" },
    { "dbhash", "dbm.bsd" },
    { "dumbdbm", "dbm.dumb" },
    { "gdbm", "dbm.gnu" },
    { "Tkinter", "tkinter" },
    { "ConfigParser", "configparser" },
    { "repr", "reprlib" },
    { "_winreg", "winreg" },
    /* scikit-learn < 0.22 public module paths that became private */
    { "sklearn.linear_model.logistic", "sklearn.linear_model._logistic" },
    { "sklearn.linear_model.base", "sklearn.linear_model._base" },
    { "sklearn.linear_model.ridge", "sklearn.linear_model._ridge" },
    { "sklearn.linear_model.coordinate_descent", "sklearn.linear_model._coordinate_descent" },
    { "sklearn.linear_model.stochastic_gradient", "sklearn.linear_model._stochastic_gradient" },
    { "sklearn.linear_model.least_angle", "sklearn.linear_model._least_angle" },
    { "sklearn.linear_model.bayes", "sklearn.linear_model._bayes" },
    { "sklearn.linear_model.huber", "sklearn.linear_model._huber" },
    { "sklearn.linear_model.perceptron", "sklearn.linear_model._perceptron" },
    { "sklearn.tree.tree", "sklearn.tree._classes" },
    { "sklearn.ensemble.forest", "sklearn.ensemble._forest" },
    { "sklearn.ensemble.gradient_boosting", "sklearn.ensemble._gb" },
    { "sklearn.ensemble.weight_boosting", "sklearn.ensemble._weight_boosting" },
    { "sklearn.ensemble.bagging", "sklearn.ensemble._bagging" },
    { "sklearn.ensemble.iforest", "sklearn.ensemble._iforest" },
    { "sklearn.ensemble.voting", "sklearn.ensemble._voting" },
    { "sklearn.svm.classes", "sklearn.svm._classes" },
    { "sklearn.svm.base", "sklearn.svm._base" },
    { "sklearn.neighbors.classification", "sklearn.neighbors._classification" },
    { "sklearn.neighbors.regression", "sklearn.neighbors._regression" },
    { "sklearn.neighbors.unsupervised", "sklearn.neighbors._unsupervised" },
    { "sklearn.neighbors.kd_tree", "sklearn.neighbors._kd_tree" },
    { "sklearn.neighbors.ball_tree", "sklearn.neighbors._ball_tree" },
    { "sklearn.cluster.k_means_", "sklearn.cluster._kmeans" },
    { "sklearn.cluster.dbscan_", "sklearn.cluster._dbscan" },
    { "sklearn.cluster.hierarchical", "sklearn.cluster._agglomerative" },
    { "sklearn.decomposition.pca", "sklearn.decomposition._pca" },
    { "sklearn.decomposition.truncated_svd", "sklearn.decomposition._truncated_svd" },
    { "sklearn.decomposition.nmf", "sklearn.decomposition._nmf" },
    { "sklearn.preprocessing.data", "sklearn.preprocessing._data" },
    { "sklearn.preprocessing.label", "sklearn.preprocessing._label" },
    { "sklearn.feature_extraction.dict_vectorizer", "sklearn.feature_extraction._dict_vectorizer" },
    { "sklearn.metrics.scorer", "sklearn.metrics._scorer" },
    { "sklearn.metrics.classification", "sklearn.metrics._classification" },
    { "sklearn.metrics.regression", "sklearn.metrics._regression" },
    { "sklearn.metrics.ranking", "sklearn.metrics._ranking" },
    { "sklearn.metrics.cluster.supervised", "sklearn.metrics.cluster._supervised" },
    { "sklearn.metrics.cluster.unsupervised", "sklearn.metrics.cluster._unsupervised" },
    { "sklearn.mixture.gaussian_mixture", "sklearn.mixture._gaussian_mixture" },
    { "sklearn.naive_bayes", "sklearn.naive_bayes" },
    { "sklearn.utils.testing", "sklearn.utils._testing" },
};

/* Package renames applied to a module and its submodules. */
static const struct policy_map prefix_map[] = {
    { "numpy._core", "numpy.core" },
    { "sklearn.externals.joblib", "joblib" },
    { "pandas.indexes", "pandas.core.indexes" },
    { "pandas.tseries.index", "pandas.core.indexes.datetimes" },
    { "pandas.tseries.period", "pandas.core.indexes.period" },
};

/* (module, name) renames after module mapping (_compat_pickle.NAME_MAPPING and friends). */
static const struct {
    const char *mod, *name, *to_mod, *to_name;
} name_map[] = {
    { "builtins", "xrange", "builtins", "range" },
    { "builtins", "unicode", "builtins", "str" },
    { "builtins", "basestring", "builtins", "str" },
    { "builtins", "long", "builtins", "int" },
    { "builtins", "unichr", "builtins", "chr" },
    { "builtins", "file", "builtins", "open" },
    { "builtins", "raw_input", "builtins", "input" },
    { "builtins", "reduce", "functools", "reduce" },
    { "builtins", "intern", "sys", "intern" },
    { "builtins", "reload", "importlib", "reload" },
    { "itertools", "izip", "builtins", "zip" },
    { "itertools", "imap", "builtins", "map" },
    { "itertools", "ifilter", "builtins", "filter" },
    { "collections", "IterableUserDict", "collections", "UserDict" },
    { "urllib", "urlopen", "urllib.request", "urlopen" },
    { "urllib", "urlretrieve", "urllib.request", "urlretrieve" },
    { "urllib", "URLopener", "urllib.request", "URLopener" },
    { "urllib", "FancyURLopener", "urllib.request", "FancyURLopener" },
    { "pandas.core.indexes.numeric", "Int64Index", "pandas.core.indexes.base", "Index" },
    { "pandas.core.indexes.numeric", "UInt64Index", "pandas.core.indexes.base", "Index" },
    { "pandas.core.indexes.numeric", "Float64Index", "pandas.core.indexes.base", "Index" },
};

/* Exact names exempt from the dunder rule (data-only protocol helpers). */
static const struct {
    const char *mod, *name;
} dunder_ok[] = {
    { "copyreg", "__newobj__" },
    { "copyreg", "__newobj_ex__" },
};

size_t custody_pickle_policy_count(void)
{
    return sizeof(policy) / sizeof(policy[0]);
}

const custody_pickle_policy_entry *custody_pickle_policy_at(size_t i)
{
    return i < custody_pickle_policy_count() ? &policy[i] : NULL;
}

/* Copies s into out (cap bytes). */
static bool policy_copy(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap) {
        return false;
    }
    memcpy(out, s, n + 1);
    return true;
}

bool cu_pickle_canonical(const char *module,
                         const char *name,
                         char *mod_out,
                         size_t mod_cap,
                         char *name_out,
                         size_t name_cap)
{
    if (mod_out == NULL || name_out == NULL || mod_cap == 0 || name_cap == 0) {
        return false;
    }
    mod_out[0] = '\0';
    name_out[0] = '\0';
    if (module == NULL || name == NULL) {
        return false;
    }
    const char *mod = module;
    const char *rest = "";
    for (size_t i = 0; i < sizeof(module_map) / sizeof(module_map[0]); i++) {
        if (module[0] == module_map[i].from[0] && strcmp(module, module_map[i].from) == 0) {
            mod = module_map[i].to;
            break;
        }
    }
    const char *prefix = NULL;
    if (mod == module) {
        for (size_t i = 0; i < sizeof(prefix_map) / sizeof(prefix_map[0]); i++) {
            size_t fl = strlen(prefix_map[i].from);
            if (module[0] == prefix_map[i].from[0] &&
                strncmp(module, prefix_map[i].from, fl) == 0 &&
                (module[fl] == '\0' || module[fl] == '.')) {
                prefix = prefix_map[i].to;
                rest = module + fl;
                break;
            }
        }
    }
    if (prefix != NULL) {
        size_t pl = strlen(prefix), rl = strlen(rest);
        if (pl >= mod_cap || rl >= mod_cap - pl) {
            mod_out[0] = '\0';
            return false;
        }
        memcpy(mod_out, prefix, pl);
        memcpy(mod_out + pl, rest, rl + 1);
    } else if (!policy_copy(mod_out, mod_cap, mod)) {
        mod_out[0] = '\0';
        return false;
    }
    const char *nm = name;
    for (size_t i = 0; i < sizeof(name_map) / sizeof(name_map[0]); i++) {
        if (name[0] == name_map[i].name[0] && strcmp(mod_out, name_map[i].mod) == 0 &&
            strcmp(name, name_map[i].name) == 0) {
            if (!policy_copy(mod_out, mod_cap, name_map[i].to_mod)) {
                mod_out[0] = '\0';
                return false;
            }
            nm = name_map[i].to_name;
            break;
        }
    }
    if (!policy_copy(name_out, name_cap, nm)) {
        mod_out[0] = '\0';
        name_out[0] = '\0';
        return false;
    }
    return true;
}

/* ---- matching ---- */

/* A dotted path split into components, all within one buffer. */
#define POLICY_MAX_PARTS 64
struct policy_path {
    const char *s;                  /* "module.name" */
    size_t start[POLICY_MAX_PARTS]; /* component offsets */
    size_t len[POLICY_MAX_PARTS];
    size_t n; /* components */
    size_t m; /* components of the module part */
};

static bool policy_is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Splits "a.b" at dots; false when a component is empty, has a character Python identifiers
 * (ASCII) cannot hold, or there are too many. */
static bool policy_split(struct policy_path *p, const char *s, size_t len)
{
    p->s = s;
    p->n = 0;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != '.') {
            if (!policy_is_ident_char(s[j])) {
                return false;
            }
            j++;
        }
        if (j == i || p->n == POLICY_MAX_PARTS) {
            return false;
        }
        p->start[p->n] = i;
        p->len[p->n] = j - i;
        p->n++;
        i = j + 1;
    }
    return true;
}

/* The text of components [a, b) (b > a): pointer and length. */
static const char *policy_span(const struct policy_path *p, size_t a, size_t b, size_t *len)
{
    *len = p->start[b - 1] + p->len[b - 1] - p->start[a];
    return p->s + p->start[a];
}

static bool policy_eq(const char *a, size_t alen, const char *z)
{
    return strlen(z) == alen && memcmp(a, z, alen) == 0;
}

static bool policy_is_dunder(const char *c, size_t len)
{
    return len > 4 && c[0] == '_' && c[1] == '_' && c[len - 1] == '_' && c[len - 2] == '_';
}

/* Does module pattern `pat` cover module text (mod, mlen)? `sub` also admits submodules. */
static bool policy_module_match(const char *pat, const char *mod, size_t mlen, bool sub)
{
    size_t pl = strlen(pat);
    if (pl >= 2 && pat[pl - 1] == '*' && pat[pl - 2] == '.') {
        pl -= 2; /* "pkg.*": the package and its submodules */
        sub = true;
    }
    if (mlen == pl && memcmp(mod, pat, pl) == 0) {
        return true;
    }
    return sub && mlen > pl && memcmp(mod, pat, pl) == 0 && mod[pl] == '.';
}

/* Name pattern match over components [a, b) of p (see pickle_policy.h). `deny` lets an exact
 * pattern cover qualnames beneath it. */
static bool
policy_name_match(const char *pat, const struct policy_path *p, size_t a, size_t b, bool deny)
{
    size_t nlen;
    const char *nm = policy_span(p, a, b, &nlen);
    const char *first = p->s + p->start[a];
    size_t flen = p->len[a];
    size_t pl = strlen(pat);
    bool single = b - a == 1;

    if (strcmp(pat, "*") == 0) {
        return deny || single;
    }
    if (strcmp(pat, "<Class>") == 0) {
        /* A class name: capitalised, also private ones (`_BinMapper`, `_CalibratedClassifier`). */
        size_t k = flen > 1 && first[0] == '_' && first[1] != '_' ? 1 : 0;
        return single && first[k] >= 'A' && first[k] <= 'Z';
    }
    if (strcmp(pat, "__*__") == 0) {
        for (size_t i = a; i < b; i++) {
            if (policy_is_dunder(p->s + p->start[i], p->len[i])) {
                return true;
            }
        }
        return false;
    }
    if (pat[0] == '.') {
        return !single && policy_eq(p->s + p->start[b - 1], p->len[b - 1], pat + 1);
    }
    if (!deny && !single) {
        return false;
    }
    if (pl > 1 && pat[pl - 1] == '*') {
        return flen >= pl - 1 && memcmp(first, pat, pl - 1) == 0;
    }
    if (pl > 1 && pat[0] == '*') {
        return flen >= pl - 1 && memcmp(first + flen - (pl - 1), pat + 1, pl - 1) == 0;
    }
    if (policy_eq(nm, nlen, pat)) {
        return true;
    }
    return deny && nlen > pl && memcmp(nm, pat, pl) == 0 && nm[pl] == '.';
}

static bool policy_dunder_exempt(const struct policy_path *p)
{
    size_t ml, nl;
    const char *mod = policy_span(p, 0, p->m, &ml);
    const char *nm = policy_span(p, p->m, p->n, &nl);
    for (size_t i = 0; i < sizeof(dunder_ok) / sizeof(dunder_ok[0]); i++) {
        if (policy_eq(mod, ml, dunder_ok[i].mod) && policy_eq(nm, nl, dunder_ok[i].name)) {
            return true;
        }
    }
    return false;
}

/* First deny entry matching module = components [s, k), name = [k, n); NULL if none.
 * Generic "*" module entries apply only to the real split. */
static const custody_pickle_policy_entry *
policy_deny_at(const struct policy_path *p, size_t s, size_t k)
{
    size_t ml;
    const char *mod = policy_span(p, s, k, &ml);
    bool real = s == 0 && k == p->m;
    for (size_t i = 0; i < custody_pickle_policy_count(); i++) {
        const custody_pickle_policy_entry *e = &policy[i];
        if (e->klass != CUSTODY_PICKLE_DANGEROUS) {
            continue;
        }
        if (strcmp(e->module, "*") == 0) {
            if (!real || !policy_name_match(e->name, p, k, p->n, true)) {
                continue;
            }
            if (strcmp(e->name, "__*__") == 0 && policy_dunder_exempt(p)) {
                continue;
            }
            return e;
        }
        bool whole = strcmp(e->name, "*") == 0;
        if (policy_module_match(e->module, mod, ml, whole) &&
            policy_name_match(e->name, p, k, p->n, true)) {
            return e;
        }
    }
    return NULL;
}

/* Every way a loader could resolve the path: the real split, every shorter module prefix
 * (os.path -> os), and every module alias reached through the qualname (pathlib + os.system). */
static const custody_pickle_policy_entry *policy_deny(const struct policy_path *p)
{
    for (size_t k = 1; k < p->n; k++) {
        const custody_pickle_policy_entry *e = policy_deny_at(p, 0, k);
        if (e != NULL) {
            return e;
        }
    }
    for (size_t s = p->m; s + 1 < p->n; s++) {
        for (size_t k = s + 1; k < p->n; k++) {
            const custody_pickle_policy_entry *e = policy_deny_at(p, s, k);
            if (e != NULL) {
                return e;
            }
        }
    }
    return NULL;
}

/* An allowlist entry naming exactly this module and name (no wildcard, no class pattern): a
 * plain data class inside a package denied as a whole (the data classes of
 * torch.distributed.checkpoint's .metadata files). Only the exact spelling is safe; every
 * other path through the package is still judged by the denylist. */
static const custody_pickle_policy_entry *policy_allow_exact(const char *cmod, const char *cname)
{
    for (size_t i = 0; i < custody_pickle_policy_count(); i++) {
        const custody_pickle_policy_entry *e = &policy[i];
        if (e->klass == CUSTODY_PICKLE_SAFE && strcmp(e->name, cname) == 0 &&
            strcmp(e->module, cmod) == 0 && strchr(e->module, '*') == NULL &&
            strpbrk(e->name, "*<") == NULL) {
            return e;
        }
    }
    return NULL;
}

static const custody_pickle_policy_entry *policy_allow(const struct policy_path *p)
{
    size_t ml;
    const char *mod = policy_span(p, 0, p->m, &ml);
    for (size_t i = 0; i < custody_pickle_policy_count(); i++) {
        const custody_pickle_policy_entry *e = &policy[i];
        if (e->klass == CUSTODY_PICKLE_SAFE && policy_module_match(e->module, mod, ml, false) &&
            policy_name_match(e->name, p, p->m, p->n, false)) {
            return e;
        }
    }
    return NULL;
}

/* Joins module and name into buf and splits it; false when it does not fit or parse. */
static bool
policy_path_of(struct policy_path *p, char *buf, size_t cap, const char *module, const char *name)
{
    size_t ml = strlen(module), nl = strlen(name);
    if (ml == 0 || nl == 0 || ml >= cap || nl >= cap - ml - 1) {
        return false;
    }
    memcpy(buf, module, ml);
    buf[ml] = '.';
    memcpy(buf + ml + 1, name, nl + 1);
    struct policy_path mp;
    if (!policy_split(&mp, module, ml) || !policy_split(p, buf, ml + 1 + nl)) {
        return false;
    }
    p->m = mp.n;
    return true;
}

/* For spellings too long to canonicalise: the deny entry covering the whole top-level
 * package of `module` (after Python 2 renames), or NULL. */
static const custody_pickle_policy_entry *policy_deny_top(const char *module)
{
    char top[64];
    size_t n = 0;
    while (module[n] != '\0' && module[n] != '.' && n < sizeof(top) - 1) {
        top[n] = module[n];
        n++;
    }
    top[n] = '\0';
    const char *t = top;
    for (size_t i = 0; i < sizeof(module_map) / sizeof(module_map[0]); i++) {
        if (strcmp(top, module_map[i].from) == 0) {
            t = module_map[i].to;
            break;
        }
    }
    for (size_t i = 0; i < custody_pickle_policy_count(); i++) {
        const custody_pickle_policy_entry *e = &policy[i];
        if (e->klass == CUSTODY_PICKLE_DANGEROUS && strcmp(e->name, "*") == 0 &&
            strcmp(e->module, t) == 0) {
            return e;
        }
    }
    return NULL;
}

static custody_pickle_class
policy_result(const char **why, custody_pickle_class c, const char *reason)
{
    if (why != NULL) {
        *why = reason;
    }
    return c;
}

custody_pickle_class custody_pickle_classify(const char *module, const char *name, const char **why)
{
    char cmod[CU_PICKLE_NAME_MAX], cname[CU_PICKLE_NAME_MAX];
    char buf[2 * CU_PICKLE_NAME_MAX + 1];
    struct policy_path p;

    if (why != NULL) {
        *why = NULL;
    }
    if (module == NULL || name == NULL) {
        return policy_result(why, CUSTODY_PICKLE_UNKNOWN, "missing module or name");
    }
    if (!cu_pickle_canonical(module, name, cmod, sizeof(cmod), cname, sizeof(cname))) {
        /* Too long to canonicalise: never safe, and dangerous when its top-level package
         * is denied as a whole (os, subprocess, ...). */
        const custody_pickle_policy_entry *top = policy_deny_top(module);
        if (top != NULL) {
            return policy_result(why, CUSTODY_PICKLE_DANGEROUS, top->why);
        }
        return policy_result(why, CUSTODY_PICKLE_UNKNOWN, "import name too long to classify");
    }
    if (!policy_path_of(&p, buf, sizeof(buf), cmod, cname)) {
        return policy_result(why, CUSTODY_PICKLE_UNKNOWN,
                             "import name is not a dotted Python identifier");
    }
    const custody_pickle_policy_entry *e = policy_allow_exact(cmod, cname);
    if (e != NULL) {
        return policy_result(why, CUSTODY_PICKLE_SAFE, e->why);
    }
    e = policy_deny(&p);
    if (e != NULL) {
        return policy_result(why, CUSTODY_PICKLE_DANGEROUS, e->why);
    }
    e = policy_allow(&p);
    if (e != NULL) {
        return policy_result(why, CUSTODY_PICKLE_SAFE, e->why);
    }
    return policy_result(why, CUSTODY_PICKLE_UNKNOWN, NULL);
}
