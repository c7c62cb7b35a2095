/* Pickle import policy: every table entry, Python 2 / moved spellings, deny-over-allow,
 * dotted qualnames and hostile spellings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "custody/rules.h"
#include "rules/pickle_policy.h"

static const char *class_name(custody_pickle_class c)
{
    switch (c) {
    case CUSTODY_PICKLE_SAFE:
        return "safe";
    case CUSTODY_PICKLE_DANGEROUS:
        return "dangerous";
    default:
        return "unknown";
    }
}

static void expect_class(const char *module, const char *name, custody_pickle_class want)
{
    const char *why = "unset";
    custody_pickle_class got = custody_pickle_classify(module, name, &why);
    if (got != want) {
        fail_msg("%s . %s: got %s, want %s (why: %s)", module, name, class_name(got),
                 class_name(want), why != NULL ? why : "(null)");
    }
    if (want == CUSTODY_PICKLE_DANGEROUS) {
        assert_non_null(why);
        assert_true(why[0] != '\0');
    }
    /* Same answer without a why pointer. */
    assert_int_equal(custody_pickle_classify(module, name, NULL), want);
}

/* A module that the entry's module pattern covers. */
static void sample_module(char *out, size_t cap, const char *pat)
{
    size_t pl = strlen(pat);
    if (strcmp(pat, "*") == 0) {
        (void)snprintf(out, cap, "%s", "mypkg.sub");
    } else if (pl >= 2 && pat[pl - 2] == '.' && pat[pl - 1] == '*') {
        (void)snprintf(out, cap, "%.*s.sub", (int)(pl - 2), pat);
    } else {
        (void)snprintf(out, cap, "%s", pat);
    }
}

/* A name that the entry's name pattern covers. */
static void sample_name(char *out, size_t cap, const char *pat)
{
    size_t pl = strlen(pat);
    if (strcmp(pat, "*") == 0) {
        (void)snprintf(out, cap, "%s", "anything");
    } else if (strcmp(pat, "<Class>") == 0) {
        (void)snprintf(out, cap, "%s", "SomeClass");
    } else if (strcmp(pat, "__*__") == 0) {
        (void)snprintf(out, cap, "%s", "__builtins__");
    } else if (pat[0] == '.') {
        (void)snprintf(out, cap, "Cls%s", pat);
    } else if (pat[pl - 1] == '*') {
        (void)snprintf(out, cap, "%.*sx", (int)(pl - 1), pat);
    } else if (pat[0] == '*') {
        (void)snprintf(out, cap, "X%s", pat + 1);
    } else {
        (void)snprintf(out, cap, "%s", pat);
    }
}

static void every_denylist_entry_classifies_dangerous(void **state)
{
    (void)state;
    size_t n = custody_pickle_policy_count(), denied = 0;
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        const custody_pickle_policy_entry *e = custody_pickle_policy_at(i);
        assert_non_null(e);
        assert_non_null(e->module);
        assert_non_null(e->name);
        if (e->klass != CUSTODY_PICKLE_DANGEROUS) {
            assert_int_equal(e->klass, CUSTODY_PICKLE_SAFE);
            /* a safe entry's why is only ever the saved-state limit */
            assert_true(e->why == NULL || e->why == cu_pickle_state_only);
            continue;
        }
        assert_non_null(e->why);
        char mod[256], name[256];
        sample_module(mod, sizeof(mod), e->module);
        sample_name(name, sizeof(name), e->name);
        expect_class(mod, name, CUSTODY_PICKLE_DANGEROUS);
        if (strcmp(e->name, "*") == 0 && strcmp(e->module, "*") != 0) {
            /* A whole-module entry covers submodules and dotted qualnames. */
            char sub[300];
            (void)snprintf(sub, sizeof(sub), "%s.deeper", mod);
            expect_class(sub, "thing", CUSTODY_PICKLE_DANGEROUS);
            expect_class(mod, "Cls.method", CUSTODY_PICKLE_DANGEROUS);
        } else if (e->name[0] != '.' && strcmp(e->module, "*") != 0 &&
                   strchr(e->name, '*') == NULL) {
            /* An exact entry covers attributes beneath it. */
            char q[300];
            (void)snprintf(q, sizeof(q), "%s.attr", name);
            expect_class(mod, q, CUSTODY_PICKLE_DANGEROUS);
        }
        denied++;
    }
    assert_true(denied >= 200);
    assert_null(custody_pickle_policy_at(n));
}

static void every_allowlist_entry_classifies_safe(void **state)
{
    (void)state;
    size_t allowed = 0;
    for (size_t i = 0; i < custody_pickle_policy_count(); i++) {
        const custody_pickle_policy_entry *e = custody_pickle_policy_at(i);
        if (e->klass != CUSTODY_PICKLE_SAFE) {
            continue;
        }
        char mod[256], name[256];
        sample_module(mod, sizeof(mod), e->module);
        sample_name(name, sizeof(name), e->name);
        /* An allow entry shadowed by a deny entry would be a table bug. */
        expect_class(mod, name, CUSTODY_PICKLE_SAFE);
        if (e->why == cu_pickle_state_only && strpbrk(e->name, "*<") == NULL &&
            strchr(e->module, '*') == NULL) {
            /* the limit reaches the VM through classify */
            const char *why = NULL;
            assert_int_equal(custody_pickle_classify(mod, name, &why), CUSTODY_PICKLE_SAFE);
            assert_ptr_equal(why, cu_pickle_state_only);
        }
        /* Allow never extends to attributes beneath the name. */
        char q[300];
        (void)snprintf(q, sizeof(q), "%s.attr", name);
        assert_int_not_equal(custody_pickle_classify(mod, q, NULL), CUSTODY_PICKLE_SAFE);
        allowed++;
    }
    assert_true(allowed >= 150);
}

static void representative_dangerous_names(void **state)
{
    (void)state;
    static const char *const d[][2] = {
        { "os", "system" },
        { "posix", "system" },
        { "nt", "system" },
        { "os", "popen" },
        { "os.path", "join" },
        { "subprocess", "Popen" },
        { "subprocess", "check_output" },
        { "builtins", "eval" },
        { "builtins", "exec" },
        { "builtins", "getattr" },
        { "builtins", "__import__" },
        { "builtins", "open" },
        { "builtins", "compile" },
        { "builtins", "breakpoint" },
        { "builtins", "globals" },
        { "builtins", "vars" },
        { "builtins", "input" },
        { "builtins", "setattr" },
        { "pip", "main" },
        { "pip._internal.cli.main", "main" },
        { "asyncio.unix_events", "_UnixSubprocessTransport" },
        { "asyncio.subprocess", "create_subprocess_shell" },
        { "idlelib.run", "Executive" },
        { "lib2to3.pgen2.pgen", "ParserGenerator" },
        { "timeit", "timeit" },
        { "cProfile", "run" },
        { "cProfile", "runctx" },
        { "profile", "run" },
        { "trace", "Trace" },
        { "pdb", "run" },
        { "bdb", "Bdb" },
        { "code", "interact" },
        { "doctest", "debug_script" },
        { "pty", "spawn" },
        { "ctypes", "CDLL" },
        { "_ctypes", "dlopen" },
        { "operator", "attrgetter" },
        { "operator", "methodcaller" },
        { "_operator", "itemgetter" },
        { "functools", "partial" },
        { "functools", "reduce" },
        { "pydoc", "locate" },
        { "pydoc", "pipepager" },
        { "webbrowser", "open" },
        { "uuid", "_get_command_stdout" },
        { "platform", "popen" },
        { "platform", "_syscmd_ver" },
        { "numpy.testing._private.utils", "runstring" },
        { "numpy.f2py.crackfortran", "getlincoef" },
        { "numpy", "load" },
        { "torch", "load" },
        { "torch.hub", "load" },
        { "torch.utils.cpp_extension", "load_inline" },
        { "torch._inductor.codecache", "compile_file" },
        { "torch.jit", "load" },
        { "torch.serialization", "load" },
        { "torch.utils.bottleneck.__main__", "run_cprofile" },
        { "torch.fx.graph_module", "reduce_graph_module" },
        { "setuptools", "setup" },
        { "distutils.spawn", "spawn" },
        { "ensurepip", "_run_pip" },
        { "venv", "create" },
        { "logging.config", "listen" },
        { "logging.config", "dictConfig" },
        { "shelve", "open" },
        { "dbm", "open" },
        { "marshal", "loads" },
        { "types", "FunctionType" },
        { "types", "CodeType" },
        { "importlib", "import_module" },
        { "runpy", "run_path" },
        { "runpy", "_run_code" },
        { "sys", "modules" },
        { "_io", "FileIO" },
        { "io", "open" },
        { "_posixsubprocess", "fork_exec" },
        { "socket", "socket" },
        { "http.client", "HTTPSConnection" },
        { "urllib.request", "urlopen" },
        { "requests", "get" },
        { "requests.api", "get" },
        { "smtplib", "SMTP" },
        { "ftplib", "FTP" },
        { "shutil", "rmtree" },
        { "tempfile", "mktemp" },
        { "glob", "glob" },
        { "multiprocessing", "Process" },
        { "signal", "signal" },
        { "zipimport", "zipimporter" },
        { "pkgutil", "resolve_name" },
        { "test.support.script_helper", "assert_python_ok" },
        { "pickle", "loads" },
        { "_pickle", "loads" },
        { "dill", "loads" },
        { "cloudpickle.cloudpickle", "_make_function" },
        { "joblib", "load" },
        { "keras.utils", "get_file" },
        { "tensorflow.io.gfile", "GFile" },
        { "transformers.dynamic_module_utils", "get_class_from_dynamic_module" },
        { "huggingface_hub", "hf_hub_download" },
        { "commands", "getoutput" },
        { "imaplib", "IMAP4_stream" },
        { "_osx_support", "_read_output" },
        { "_aix_support", "_read_cmd_output" },
        { "_pyrepl.pager", "pipe_pager" },
        { "code", "InteractiveInterpreter" },
        { "gc", "get_objects" },
        { "copyreg", "add_extension" },
    };
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        expect_class(d[i][0], d[i][1], CUSTODY_PICKLE_DANGEROUS);
    }
}

static void python2_and_moved_spellings_map(void **state)
{
    (void)state;
    expect_class("__builtin__", "eval", CUSTODY_PICKLE_DANGEROUS);
    expect_class("__builtin__", "getattr", CUSTODY_PICKLE_DANGEROUS);
    expect_class("__builtin__", "file", CUSTODY_PICKLE_DANGEROUS);
    expect_class("__builtin__", "apply", CUSTODY_PICKLE_DANGEROUS);
    expect_class("__builtin__", "reduce", CUSTODY_PICKLE_DANGEROUS);
    expect_class("__builtin__", "set", CUSTODY_PICKLE_SAFE);
    expect_class("__builtin__", "xrange", CUSTODY_PICKLE_SAFE);
    expect_class("__builtin__", "unicode", CUSTODY_PICKLE_SAFE);
    expect_class("__builtins__", "exec", CUSTODY_PICKLE_DANGEROUS);
    expect_class("exceptions", "eval", CUSTODY_PICKLE_DANGEROUS);
    expect_class("copy_reg", "_reconstructor", CUSTODY_PICKLE_SAFE);
    expect_class("copy_reg", "add_extension", CUSTODY_PICKLE_DANGEROUS);
    expect_class("cPickle", "loads", CUSTODY_PICKLE_DANGEROUS);
    expect_class("commands", "getstatusoutput", CUSTODY_PICKLE_DANGEROUS);
    expect_class("httplib", "HTTPConnection", CUSTODY_PICKLE_DANGEROUS);
    expect_class("urllib2", "urlopen", CUSTODY_PICKLE_DANGEROUS);
    expect_class("urllib", "urlopen", CUSTODY_PICKLE_DANGEROUS);
    expect_class("thread", "start_new_thread", CUSTODY_PICKLE_DANGEROUS);
    expect_class("anydbm", "open", CUSTODY_PICKLE_DANGEROUS);
    expect_class("numpy.core.multiarray", "_reconstruct", CUSTODY_PICKLE_SAFE);
    expect_class("numpy._core.multiarray", "_reconstruct", CUSTODY_PICKLE_SAFE);
    expect_class("numpy._core.multiarray", "scalar", CUSTODY_PICKLE_SAFE);
    expect_class("numpy._core.numeric", "loads", CUSTODY_PICKLE_DANGEROUS);
    expect_class("sklearn.linear_model.logistic", "LogisticRegression", CUSTODY_PICKLE_SAFE);
    expect_class("sklearn.utils.testing", "SomeHelper", CUSTODY_PICKLE_DANGEROUS);
    expect_class("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper", CUSTODY_PICKLE_SAFE);
    expect_class("sklearn.externals.joblib", "load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("pandas.indexes.base", "_new_Index", CUSTODY_PICKLE_SAFE);
    expect_class("pandas.core.indexes.numeric", "Int64Index", CUSTODY_PICKLE_SAFE);
    /* scanner tampering */
    expect_class("fickling.hook", "deactivate_safe_ml_environment", CUSTODY_PICKLE_DANGEROUS);
    expect_class("picklescan.scanner", "_safe_globals", CUSTODY_PICKLE_DANGEROUS);
    /* other object-building deserialisers */
    expect_class("yaml", "unsafe_load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("yaml", "load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("yaml.constructor", "UnsafeConstructor", CUSTODY_PICKLE_DANGEROUS);
    expect_class("jsonpickle", "decode", CUSTODY_PICKLE_DANGEROUS);
    expect_class("IPython", "embed", CUSTODY_PICKLE_DANGEROUS);
    assert_int_not_equal(custody_pickle_classify("yaml", "safe_load", NULL),
                         CUSTODY_PICKLE_DANGEROUS);
    /* names that old library versions wrote */
    expect_class("numpy.random", "__RandomState_ctor", CUSTODY_PICKLE_SAFE);
    expect_class("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence", CUSTODY_PICKLE_SAFE);
    expect_class("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked", CUSTODY_PICKLE_SAFE);
    expect_class("pandas._libs.tslib", "Timestamp", CUSTODY_PICKLE_SAFE);
    expect_class("pandas.tslib", "Timestamp", CUSTODY_PICKLE_SAFE);
    expect_class("torch.nn.backends.thnn", "_get_thnn_function_backend", CUSTODY_PICKLE_SAFE);

    char m[64], n[64];
    assert_true(cu_pickle_canonical("__builtin__", "file", m, sizeof(m), n, sizeof(n)));
    assert_string_equal(m, "builtins");
    assert_string_equal(n, "open");
    assert_true(
        cu_pickle_canonical("numpy._core.multiarray", "_reconstruct", m, sizeof(m), n, sizeof(n)));
    assert_string_equal(m, "numpy.core.multiarray");
    assert_string_equal(n, "_reconstruct");
    assert_true(cu_pickle_canonical("sklearn.tree.tree", "DecisionTreeClassifier", m, sizeof(m), n,
                                    sizeof(n)));
    assert_string_equal(m, "sklearn.tree._classes");
    assert_true(cu_pickle_canonical("__builtin__", "reduce", m, sizeof(m), n, sizeof(n)));
    assert_string_equal(m, "functools");
    assert_string_equal(n, "reduce");
    /* A prefix is not a package boundary. */
    assert_true(cu_pickle_canonical("numpy._corex", "f", m, sizeof(m), n, sizeof(n)));
    assert_string_equal(m, "numpy._corex");
    /* Does not fit: false and empty outputs. */
    char tiny[4];
    assert_false(cu_pickle_canonical("builtins", "eval", tiny, sizeof(tiny), n, sizeof(n)));
    assert_string_equal(tiny, "");
    assert_false(
        cu_pickle_canonical("numpy._core.multiarray", "x", tiny, sizeof(tiny), n, sizeof(n)));
    assert_false(cu_pickle_canonical("os", "system", m, sizeof(m), tiny, sizeof(tiny)));
    assert_string_equal(m, "");
    assert_false(cu_pickle_canonical(NULL, "x", m, sizeof(m), n, sizeof(n)));
    assert_false(cu_pickle_canonical("x", "y", NULL, 0, n, sizeof(n)));
}

static void representative_allowlisted_names_are_safe(void **state)
{
    (void)state;
    static const char *const s[][2] = {
        { "torch._utils", "_rebuild_tensor_v2" },
        { "torch.storage", "_load_from_bytes" }, /* argument analysed as a nested archive */
        { "torch._utils", "_rebuild_parameter" },
        { "torch", "FloatStorage" },
        { "torch", "BFloat16Storage" },
        { "torch", "UntypedStorage" },
        { "torch.cuda", "HalfStorage" },
        { "torch", "Size" },
        { "torch", "device" },
        { "torch", "float32" },
        { "torch", "bfloat16" },
        { "torch._tensor", "_rebuild_from_type_v2" },
        { "torch.nn.parameter", "Parameter" },
        { "collections", "OrderedDict" },
        { "torch.nn.modules.linear", "Linear" },
        { "torch.nn.modules.conv", "Conv2d" },
        { "torch.nn.modules.container", "Sequential" },
        { "torch.optim.adam", "Adam" },
        { "torch.jit._pickle", "build_intlist" },
        { "torch.jit._pickle", "restore_type_tag" },
        { "__torch__.torch.nn.modules.linear", "Linear" },
        { "__torch__", "MyModule" },
        { "numpy", "ndarray" },
        { "numpy", "dtype" },
        { "numpy.core.multiarray", "scalar" },
        { "numpy.random._pickle", "__randomstate_ctor" },
        { "numpy.random._pickle", "__bit_generator_ctor" },
        { "numpy.random._mt19937", "MT19937" },
        { "numpy.dtypes", "Float64DType" },
        { "pandas.core.frame", "DataFrame" },
        { "pandas.core.series", "Series" },
        { "pandas.core.indexes.base", "_new_Index" },
        { "pandas.core.internals.managers", "BlockManager" },
        { "pandas._libs.internals", "_unpickle_block" },
        { "pandas._libs.tslibs.timestamps", "_unpickle_timestamp" },
        { "pandas.core.arrays.categorical", "Categorical" },
        { "sklearn.linear_model._logistic", "LogisticRegression" },
        { "sklearn.tree._tree", "Tree" },
        { "sklearn.ensemble._forest", "RandomForestClassifier" },
        { "sklearn.pipeline", "Pipeline" },
        { "sklearn.preprocessing._data", "StandardScaler" },
        { "sklearn.utils._bunch", "Bunch" },
        { "joblib.numpy_pickle", "NumpyArrayWrapper" },
        { "joblib.numpy_pickle", "NDArrayWrapper" },
        { "scipy.sparse._csr", "csr_matrix" },
        { "scipy.sparse", "csc_matrix" },
        { "collections", "defaultdict" },
        { "collections", "Counter" },
        { "collections", "deque" },
        { "datetime", "datetime" },
        { "datetime", "timedelta" },
        { "decimal", "Decimal" },
        { "fractions", "Fraction" },
        { "argparse", "Namespace" },
        { "types", "SimpleNamespace" },
        { "builtins", "set" },
        { "builtins", "frozenset" },
        { "builtins", "complex" },
        { "builtins", "range" },
        { "builtins", "slice" },
        { "builtins", "bytearray" },
        { "builtins", "object" },
        { "copyreg", "_reconstructor" },
        { "copyreg", "__newobj__" },
        { "copyreg", "__newobj_ex__" },
        { "_codecs", "encode" },
        { "uuid", "UUID" },
        { "pathlib", "PurePosixPath" },
        { "re", "_compile" },
    };
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        expect_class(s[i][0], s[i][1], CUSTODY_PICKLE_SAFE);
    }
}

static void made_up_and_unlisted_names_are_unknown(void **state)
{
    (void)state;
    static const char *const u[][2] = {
        { "mypkg", "Model" },
        { "evil_module", "run_me" },
        { "__main__", "Net" },
        { "torch.nn.functional", "conv2d" },
        /* activations are allowlisted; other functions not */ /* a function, not a layer class */
        { "torch.nn.modules.linear", "helper" }, /* lower-case: not a class by convention */
        { "sklearn.linear_model", "lasso_path" },
        { "collections", "namedtuple" },
        { "builtins", "map" },
        { "builtins", "print" },
        { "posixpath", "join" },
        { "torch", "nn.modules.linear.Linear" }, /* dotted: never safe unless listed */
        { "numpy", "frompyfunc" },
        { "torchvision.datasets.mnist", "MNIST" }, /* downloads; models/ops are allowlisted */
        { "torch._C", "_VariableFunctionsClass.empty_like" }, /* only pure activations */
        { "torch.jit", "_pickle" },
        { "pandas", "DataFrame" },
    };
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
        expect_class(u[i][0], u[i][1], CUSTODY_PICKLE_UNKNOWN);
    }
}

static void deny_beats_allow(void **state)
{
    (void)state;
    /* Covered by an allow pattern, but denied. */
    expect_class("sklearn.utils._testing", "TempMemmap", CUSTODY_PICKLE_DANGEROUS);
    expect_class("sklearn.externals._packaging", "Version", CUSTODY_PICKLE_DANGEROUS);
    expect_class("pandas.core.computation.eval", "Expr", CUSTODY_PICKLE_DANGEROUS);
    expect_class("uuid", "_get_command_stdout", CUSTODY_PICKLE_DANGEROUS);
    expect_class("uuid", "UUID", CUSTODY_PICKLE_SAFE);
    expect_class("torch._C", "_VariableFunctionsClass.from_file", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.storage", "UntypedStorage.from_file", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.jit", "load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.jit._pickle", "build_intlist", CUSTODY_PICKLE_SAFE);
    expect_class("torch.jit._script", "CompilationUnit", CUSTODY_PICKLE_DANGEROUS);
    expect_class("numpy", "load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("joblib.numpy_pickle", "load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("__torch__", "__builtins__", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.nn.modules.linear", "__loader__", CUSTODY_PICKLE_DANGEROUS);
    /* An exact allowlisted data class inside a package denied as a whole is safe under that
     * spelling only: anything reached through it, and its neighbours, stay denied. */
    expect_class("torch.distributed.checkpoint.metadata", "Metadata", CUSTODY_PICKLE_SAFE);
    expect_class("torch.distributed.checkpoint.filesystem", "_StorageInfo", CUSTODY_PICKLE_SAFE);
    expect_class("torch.distributed.checkpoint.metadata", "Metadata.__init__",
                 CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.distributed.checkpoint.metadata", "os.system", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.distributed.checkpoint", "load", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.distributed.rpc", "rpc_sync", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.distributed", "init_process_group", CUSTODY_PICKLE_DANGEROUS);
}

static void dotted_qualnames_on_denied_modules_are_denied(void **state)
{
    (void)state;
    expect_class("builtins", "getattr", CUSTODY_PICKLE_DANGEROUS);
    expect_class("os", "system", CUSTODY_PICKLE_DANGEROUS);
    expect_class("subprocess", "Popen.__init__", CUSTODY_PICKLE_DANGEROUS);
    expect_class("code", "InteractiveInterpreter.runsource", CUSTODY_PICKLE_DANGEROUS);
    expect_class("trace", "Trace.runctx", CUSTODY_PICKLE_DANGEROUS);
    /* Module aliases reached through a qualname (fickling GHSA-5j3x-jp52-966f). */
    expect_class("pathlib", "os.system", CUSTODY_PICKLE_DANGEROUS);
    expect_class("collections", "sys.modules", CUSTODY_PICKLE_DANGEROUS);
    expect_class("torch.serialization", "pickle.loads", CUSTODY_PICKLE_DANGEROUS);
    expect_class("mypkg", "builtins.eval", CUSTODY_PICKLE_DANGEROUS);
    expect_class("mypkg", "__builtins__.eval", CUSTODY_PICKLE_DANGEROUS);
    expect_class("mypkg.sub", "helper.__globals__", CUSTODY_PICKLE_DANGEROUS);
    expect_class("collections", "OrderedDict.__init__", CUSTODY_PICKLE_DANGEROUS);
    expect_class("mypkg", "Loader.load_module", CUSTODY_PICKLE_DANGEROUS);
    expect_class("transformers", "AutoModel.from_pretrained", CUSTODY_PICKLE_DANGEROUS);
    /* Dotted module spelling of a denied package. */
    expect_class("os.path", "join", CUSTODY_PICKLE_DANGEROUS);
    expect_class("asyncio.unix_events", "_UnixSubprocessTransport._start",
                 CUSTODY_PICKLE_DANGEROUS);
    /* Not denied merely for containing a denied word inside the module path. */
    expect_class("mypkg.os", "Model", CUSTODY_PICKLE_UNKNOWN);
    expect_class("sklearn.model_selection._split", "KFold", CUSTODY_PICKLE_SAFE);
}

static void hostile_spellings_never_crash_and_are_never_safe(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        { "", "" },
        { "", "system" },
        { "os", "" },
        { "os ", "system" },
        { " os", "system" },
        { "os\n", "system" },
        { "builtins", "eval\n" },
        { "builtins", "set " },
        { "collections", "OrderedDict\r" },
        { ".", "." },
        { "os.", "system" },
        { ".os", "system" },
        { "os..path", "join" },
        { "builtins", "set." },
        { "builtins", ".set" },
        { "numpy\xc3\xa9", "ndarray" },
        { "torch", "Size\t" },
        { "collections", "Ordered Dict" },
        { "builtins", "set\xff" },
        { "*", "*" },
        { "torch.nn.modules.*", "<Class>" },
        { "scipy.sparse.*", "*_matrix" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        custody_pickle_class c = custody_pickle_classify(bad[i][0], bad[i][1], NULL);
        if (c == CUSTODY_PICKLE_SAFE) {
            fail_msg("'%s' . '%s' classified safe", bad[i][0], bad[i][1]);
        }
    }
    const char *why = "unset";
    assert_int_equal(custody_pickle_classify(NULL, "x", &why), CUSTODY_PICKLE_UNKNOWN);
    assert_non_null(why);
    assert_int_equal(custody_pickle_classify("x", NULL, NULL), CUSTODY_PICKLE_UNKNOWN);
    /* A NUL ends a C string: what the VM passes is what is classified. */
    assert_int_equal(custody_pickle_classify("os\0ignored", "system", NULL),
                     CUSTODY_PICKLE_DANGEROUS);

    /* Very long spellings: never safe; a denied top-level package still dangerous. */
    size_t big = 20000;
    char *s = malloc(big + 1);
    assert_non_null(s);
    memset(s, 'a', big);
    s[big] = '\0';
    assert_int_equal(custody_pickle_classify(s, "x", NULL), CUSTODY_PICKLE_UNKNOWN);
    assert_int_equal(custody_pickle_classify("builtins", s, NULL), CUSTODY_PICKLE_UNKNOWN);
    memcpy(s, "os.", 3);
    assert_int_equal(custody_pickle_classify(s, "system", NULL), CUSTODY_PICKLE_DANGEROUS);
    memcpy(s, "__builtin__.", 12);
    assert_int_not_equal(custody_pickle_classify(s, "x", NULL), CUSTODY_PICKLE_SAFE);
    /* Many components (more than the split limit). */
    for (size_t i = 1; i < 400; i += 2) {
        s[i] = '.';
    }
    s[400] = '\0';
    memcpy(s, "os", 2);
    s[2] = '.';
    assert_int_not_equal(custody_pickle_classify(s, "system", NULL), CUSTODY_PICKLE_SAFE);
    assert_int_not_equal(custody_pickle_classify("torch.nn.modules", s + 3, NULL),
                         CUSTODY_PICKLE_SAFE);
    /* Just under and over the canonical limit. */
    memset(s, 'b', big);
    s[CU_PICKLE_NAME_MAX - 1] = '\0';
    assert_int_equal(custody_pickle_classify("mypkg", s, NULL), CUSTODY_PICKLE_UNKNOWN);
    s[CU_PICKLE_NAME_MAX - 1] = 'b';
    s[CU_PICKLE_NAME_MAX] = '\0';
    assert_int_equal(custody_pickle_classify("mypkg", s, NULL), CUSTODY_PICKLE_UNKNOWN);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_denylist_entry_classifies_dangerous),
        cmocka_unit_test(every_allowlist_entry_classifies_safe),
        cmocka_unit_test(representative_dangerous_names),
        cmocka_unit_test(python2_and_moved_spellings_map),
        cmocka_unit_test(representative_allowlisted_names_are_safe),
        cmocka_unit_test(made_up_and_unlisted_names_are_unknown),
        cmocka_unit_test(deny_beats_allow),
        cmocka_unit_test(dotted_qualnames_on_denied_modules_are_denied),
        cmocka_unit_test(hostile_spellings_never_crash_and_are_never_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
