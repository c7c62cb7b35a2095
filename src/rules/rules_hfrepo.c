/* Rules of model repositories: the config handler (src/formats/hfrepo.c, hf/) and the Python
 * source analyzer (src/formats/pysrc.c, python/). */
#include "rules/catalogue.h"

#define PY_REMEDY                                                                            \
    "Do not load the model with trust_remote_code=True (or import its code) until the code " \
    "has been reviewed; prefer a model that needs no custom code."

static const custody_rule hfrepo_rules[] = {
    { "hf/trust-remote-code", "Model needs trust_remote_code", CUSTODY_SEV_HIGH,
      "The config's auto_map or custom_pipelines names classes in Python files of the "
      "repository. transformers (and diffusers) import and run those files when the model is "
      "loaded with trust_remote_code=True: whoever controls the repository runs code on the "
      "loading machine. The files listed are analysed by the python/ rules when they are in "
      "the scanned directory.",
      PY_REMEDY },
    { "hf/remote-code-external", "Remote code from another repository", CUSTODY_SEV_HIGH,
      "An auto_map entry of the form 'other/repo--module.Class' makes transformers download "
      "and import module.py from a different repository, which this scan cannot see and which "
      "can change after the model was reviewed.",
      "Do not use trust_remote_code with this model; vendor and review the referenced code." },
    { "hf/bad-auto-map", "Malformed auto_map entry", CUSTODY_SEV_MEDIUM,
      "An auto_map or custom_pipelines entry is not a 'module.Class' reference (or a list of "
      "them), or names a module path with '..', a leading '/' or a backslash (high).",
      "Fix or remove the entry; review where the class would be imported from." },
    { "python/malformed", "Python source that does not tokenise", CUSTODY_SEV_MEDIUM,
      "A .py file has an unterminated string, a NUL byte or other damage, so it could not be "
      "analysed past that point. Python would refuse to import it; a scanner that skips it "
      "may miss what a later, repaired version does.",
      "Review the file by hand." },
    { "python/process-exec", "Python code runs a process", CUSTODY_SEV_HIGH,
      "The code references os.system, os.popen, subprocess, pty.spawn, os.exec*/spawn* or a "
      "similar function that starts a process. Model code has no reason to do so.",
      PY_REMEDY },
    { "python/dynamic-exec", "exec/eval of computed code", CUSTODY_SEV_HIGH,
      "The code calls exec, eval or compile on something that is not a string literal (or "
      "takes a reference to exec/eval), so what runs is decided at run time. Literal "
      "arguments are analysed as Python instead.",
      PY_REMEDY },
    { "python/dynamic-import", "Dynamic import", CUSTODY_SEV_MEDIUM,
      "The code imports a module whose name is computed (__import__, importlib.import_module, "
      "imp/runpy, loading a file as a module), which hides what it uses from a reader.",
      "Review which modules are imported and from where." },
    { "python/network", "Network access from model code", CUSTODY_SEV_MEDIUM,
      "The code uses urllib.request, requests, http.client, socket or another network client: "
      "it can download code or data, or send data away, when the model is loaded.",
      "Review what is fetched or sent; model code normally needs no network." },
    { "python/decode-and-exec", "Decoded or downloaded data is run", CUSTODY_SEV_CRITICAL,
      "A decoder (base64, zlib, marshal, bytes.fromhex, codecs...) or a download feeds exec, "
      "eval, compile, a process or an unpickler, in the same statement or through a name "
      "assigned from it. This is how payloads are hidden in model code. Outside model code, "
      "a decoder applied only to data the program receives (pickle.loads(b64decode(arg)) in "
      "an RPC library) is medium: critical needs a download, an encoded literal or a file "
      "read feeding it.",
      "Do not load the model. Report the repository." },
    { "python/fetch-and-run", "Python code runs a download or decoded data through a shell",
      CUSTODY_SEV_CRITICAL,
      "A process call (os.system, subprocess.*, os.popen, pty.spawn...) is given a constant "
      "command line that pipes a download into a shell or interpreter (curl | sh, wget -O- | "
      "bash, iwr | iex, bash <(curl ...)) or runs decoded data (base64 -d | sh, powershell "
      "-EncodedCommand). Critical in any Python file, library code included: running "
      "processes is an ordinary capability, fetching and running a remote program is how "
      "poisoned packages install their payload.",
      "Do not install or import the package. Report it to the registry." },
    { "python/unsafe-deserialization", "Unpickling in model code", CUSTODY_SEV_MEDIUM,
      "The code calls pickle/dill/cloudpickle/joblib/marshal loads, numpy.load with "
      "allow_pickle=True, or torch.load with weights_only=False (low without weights_only: "
      "safe by default only since PyTorch 2.6). Whatever file it loads can run code.",
      "Load weights with safetensors or torch.load(weights_only=True)." },
};

CU_RULE_TABLE(cu_rules_hfrepo, hfrepo_rules);
