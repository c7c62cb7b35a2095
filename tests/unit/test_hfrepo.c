/* Model repositories: config.json auto_map (hf/), the Python source analyzer (python/), and
 * the two repository fixtures (tests/fixtures/make_safetensors.py): a benign one with no
 * finding at medium, and one with remote code whose modeling file decodes and runs a payload
 * and whose training_args.bin is a hostile pickle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static custody_scan *py(const char *src)
{
    return tu_scan_buffer("modeling_x.py", (const uint8_t *)src, strlen(src));
}

/* Number of findings of `rule` at >= min in the source; dumps on mismatch. */
static void expect_py(const char *src, const char *rule, custody_severity min, size_t want)
{
    custody_scan *s = py(src);
    size_t n = tu_count(s, rule, min);
    if (n != want) {
        tu_dump(s);
        fail_msg("%s: %zu x %s, expected %zu, in:\n%s", rule != NULL ? rule : "any", n,
                 rule != NULL ? rule : "", want, src);
    }
    custody_scan_free(s);
}

static bool
has_at(const custody_scan *s, const char *rule, const char *suffix, custody_severity min)
{
    size_t sl = strlen(suffix);
    for (size_t i = 0; i < custody_scan_finding_count(s); i++) {
        const custody_finding *f = custody_scan_finding(s, i);
        size_t ll = strlen(f->location);
        if ((rule == NULL || strcmp(f->rule_id, rule) == 0) && f->severity >= min && ll >= sl &&
            strcmp(f->location + ll - sl, suffix) == 0) {
            return true;
        }
    }
    return false;
}

static void test_process_exec(void **state)
{
    (void)state;
    expect_py("import os\nos.system('echo custody-test')\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 1);
    expect_py("from subprocess import Popen as P\nP(['ls'])\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 1);
    expect_py("import subprocess as sp\nsp.run('x', shell=True)\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 1);
    expect_py("import os\nos.execvp('sh', ['sh'])\nos.spawnl(0, 'a')\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 2);
    expect_py("import pty\npty.spawn('/bin/sh')\n", "python/process-exec", CUSTODY_SEV_HIGH, 1);
    expect_py("import os\ngetattr(os, 'system')('id')\n", "python/process-exec", CUSTODY_SEV_HIGH,
              1);
    expect_py("__import__('os').system('id')\n", "python/process-exec", CUSTODY_SEV_HIGH, 1);
    expect_py("__import__('os').system('id')\n", "python/dynamic-import", CUSTODY_SEV_MEDIUM, 1);
    expect_py("import os\nf = os.popen\n", "python/process-exec", CUSTODY_SEV_HIGH, 1);
    /* in strings, comments and docstrings it is text, not code */
    expect_py("'''\nos.system('x')\n'''\n# os.system('x')\ns = \"os.system('x')\"\n"
              "b = rb'subprocess.run'\n",
              NULL, CUSTODY_SEV_LOW, 0);
    /* a method that happens to be called system */
    expect_py("self.system('x')\nmy.os.system('x')\n", NULL, CUSTODY_SEV_LOW, 0);
}

static void test_exec_eval(void **state)
{
    (void)state;
    expect_py("eval(input())\n", "python/dynamic-exec", CUSTODY_SEV_HIGH, 1);
    expect_py("x = compile(src, '<s>', 'exec')\n", "python/dynamic-exec", CUSTODY_SEV_HIGH, 1);
    expect_py("import builtins\nbuiltins.exec(code)\n", "python/dynamic-exec", CUSTODY_SEV_HIGH, 1);
    expect_py("run = eval\n", "python/dynamic-exec", CUSTODY_SEV_HIGH, 1);
    /* literals are analysed as code instead */
    expect_py("eval('1 + 2')\nexec('x = 1')\n", NULL, CUSTODY_SEV_LOW, 0);
    expect_py("exec(\"import os; os.system('echo custody-test')\")\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 1);
    /* model.eval(), def eval, re.compile, torch.compile, a flag called compile */
    expect_py("import re, torch\nmodel.eval()\nclass A:\n    def eval(self, x):\n"
              "        return x\np = re.compile('a+')\nm = torch.compile(m)\n"
              "if compile:\n    pass\nf(compile=True)\n",
              NULL, CUSTODY_SEV_LOW, 0);
    /* f-strings with nested quotes and dicts still tokenise */
    expect_py("x = f\"{d['k']} {y!r:>{w}} {{literal}}\"\nimport os\nos.system(x)\n",
              "python/process-exec", CUSTODY_SEV_HIGH, 1);
}

static void test_decode_and_exec(void **state)
{
    (void)state;
    expect_py("import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n", "python/decode-and-exec",
              CUSTODY_SEV_CRITICAL, 1);
    expect_py("import zlib, base64 as b\nd = zlib.decompress(b.b64decode(B))\nexec(d)\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    expect_py("import marshal, types\ncode = marshal.loads(bytes.fromhex(H))\n"
              "f = types.FunctionType(code, globals())\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 2);
    expect_py("from urllib.request import urlopen\nexec(urlopen(u).read())\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    expect_py("import requests\ncode = requests.get(u).text\nexec(code)\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    expect_py("import requests\ncode = requests.get(u).text\n", "python/network",
              CUSTODY_SEV_MEDIUM, 1);
    expect_py("import base64, pickle\npickle.loads(base64.b64decode(s))\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    expect_py("import base64, os\ncmd = base64.b64decode(s).decode()\nos.system(cmd)\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    /* decoding alone, and exec of something else, are not the pattern */
    expect_py("import base64\nw = base64.b64decode(s)\nexec(other)\n", "python/decode-and-exec",
              CUSTODY_SEV_LOW, 0);
    expect_py("import marshal\nc = marshal.loads(blob)\n", "python/decode-and-exec",
              CUSTODY_SEV_LOW, 0);
}

static void test_other_rules(void **state)
{
    (void)state;
    expect_py("import importlib\nm = importlib.import_module(name)\n", "python/dynamic-import",
              CUSTODY_SEV_MEDIUM, 1);
    expect_py("import socket\ns = socket.socket()\n", "python/network", CUSTODY_SEV_MEDIUM, 1);
    expect_py("import pickle\no = pickle.loads(data)\n", "python/unsafe-deserialization",
              CUSTODY_SEV_MEDIUM, 1);
    expect_py("import torch\nsd = torch.load(p, weights_only=False)\n",
              "python/unsafe-deserialization", CUSTODY_SEV_MEDIUM, 1);
    expect_py("import torch\nsd = torch.load(p, map_location='cpu')\n",
              "python/unsafe-deserialization", CUSTODY_SEV_LOW, 1);
    expect_py("import torch\nsd = torch.load(p, map_location='cpu')\n", NULL, CUSTODY_SEV_MEDIUM,
              0);
    expect_py("import torch\nsd = torch.load(p, weights_only=True)\n", NULL, CUSTODY_SEV_LOW, 0);
    expect_py("import numpy as np\na = np.load(p, allow_pickle=True)\nb = np.load(p)\n",
              "python/unsafe-deserialization", CUSTODY_SEV_MEDIUM, 1);
}

static void test_tokenizer_edges(void **state)
{
    (void)state;
    /* CRLF lines and a CRLF continuation: still two statements, the call is found */
    expect_py("import os\r\nx = 1 + \\\r\n    2\r\nos.system(x)\r\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 1);
    /* brackets span lines; ';' separates statements */
    expect_py("import base64\nd = base64.b64decode(\n    'aGk='\n); exec(d)\n",
              "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    /* many aliases (the map grows and rehashes); the last one still resolves */
    char buf[16384];
    size_t n = 0;
    for (int i = 0; i < 300; i++) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "import m%d as a%d\n", i, i);
    }
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "from os import system as a299\na299('x')\n");
    assert_true(n < sizeof(buf));
    expect_py(buf, "python/process-exec", CUSTODY_SEV_HIGH, 1);
    /* a flood of one rule is capped at 100 and does not hide a later critical */
    n = (size_t)snprintf(buf, sizeof(buf), "import os, base64\n");
    for (int i = 0; i < 150; i++) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "os.system(%d)\n", i);
    }
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "exec(base64.b64decode(z))\n");
    assert_true(n < sizeof(buf));
    expect_py(buf, "python/process-exec", CUSTODY_SEV_HIGH, 100);
    expect_py(buf, "python/decode-and-exec", CUSTODY_SEV_CRITICAL, 1);
    /* exec literals nest 3 deep, then stop */
    expect_py("exec(\"exec('import os; os.system(1)')\")\n", "python/process-exec",
              CUSTODY_SEV_HIGH, 1);
    /* string prefixes: the body is a string, not code */
    expect_py("x = Rb'os.system(1)' + F'{y}' + u'os.system(2)'\n", NULL, CUSTODY_SEV_LOW, 0);
}

static void test_selection(void **state)
{
    (void)state;
    /* Python text not named .py is not claimed; a .py that is not text is not claimed */
    static const char src[] = "import os\nos.system('x')\n";
    custody_scan *s = tu_scan_buffer("notes.txt", (const uint8_t *)src, sizeof(src) - 1);
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
    static const uint8_t bin[] = { 'a', 0, 1, 2, 3, 0, 0xff, 0xfe, '\n' };
    s = tu_scan_buffer("x.py", bin, sizeof(bin));
    assert_true(custody_scan_file(s, 0)->format == NULL ||
                strcmp(custody_scan_file(s, 0)->format, "python") != 0);
    custody_scan_free(s);
    static const char prose[] = "This isn't Python at all, it's a note.\n";
    s = tu_scan_buffer("x.py", (const uint8_t *)prose, sizeof(prose) - 1);
    assert_null(custody_scan_file(s, 0)->format);
    custody_scan_free(s);
    s = tu_scan_buffer("x.py", (const uint8_t *)src, sizeof(src) - 1);
    assert_string_equal(custody_scan_file(s, 0)->format, "python");
    custody_scan_free(s);
}

/* "\u0000" is valid JSON: a data file holding it (iconv-lite's code-page tables) is no
 * finding; a config a handler reads (here a transformers config.json) stays malformed, since
 * a C-string view of such a value stops where the program's does not. */
static void test_json_nul(void **state)
{
    (void)state;
    static const char data[] = "{\"a\": \"\\u0000\\u0001\", \"b\": [1, 2]}";
    custody_scan *s = tu_scan_buffer("cp949.json", (const uint8_t *)data, sizeof(data) - 1);
    assert_int_equal(custody_scan_finding_count(s), 0);
    custody_scan_free(s);
    static const char cfg[] =
        "{\"architectures\": [\"BertModel\"], \"model_type\": \"bert\", \"x\": \"a\\u0000b\"}";
    s = tu_scan_buffer("config.json", (const uint8_t *)cfg, sizeof(cfg) - 1);
    assert_int_equal(tu_count(s, "json/malformed", CUSTODY_SEV_MEDIUM), 1);
    custody_scan_free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    /* damage past the sniffed head: claimed, reported, and what came before still counts */
    char buf[2048];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "import os\nos.system('a')\n");
    while (n < 700) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "x = 1  # padding\n");
    }
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "s = '''never closed\n");
    custody_scan *s = tu_scan_buffer("m.py", (const uint8_t *)buf, n);
    assert_int_equal(tu_count(s, "python/malformed", CUSTODY_SEV_MEDIUM), 1);
    assert_int_equal(tu_count(s, "python/process-exec", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);
}

static void test_auto_map(void **state)
{
    (void)state;
    static const char cfg[] =
        "{\"model_type\": \"x\", \"auto_map\": {\"AutoConfig\": \"configuration_x.XConfig\","
        " \"AutoModel\": \"modeling_x.XModel\", \"AutoTokenizer\": [\"tok_x.T\", null],"
        " \"AutoModelForCausalLM\": \"evil/code--modeling_y.Y\"}}";
    custody_scan *s = tu_scan_buffer("config.json", (const uint8_t *)cfg, sizeof(cfg) - 1);
    assert_int_equal(tu_count(s, "hf/trust-remote-code", CUSTODY_SEV_HIGH), 1);
    assert_true(tu_has_text(s, "configuration_x.py, modeling_x.py, tok_x.py", CUSTODY_SEV_HIGH));
    assert_int_equal(tu_count(s, "hf/remote-code-external", CUSTODY_SEV_HIGH), 1);
    assert_true(tu_has_text(s, "'evil/code'", CUSTODY_SEV_HIGH));
    custody_scan_free(s);

    static const char bad[] = "{\"auto_map\": {\"AutoModel\": \"nodot\", \"AutoX\": 3,"
                              " \"AutoY\": \"../../etc/m.C\"}}";
    s = tu_scan_buffer("config.json", (const uint8_t *)bad, sizeof(bad) - 1);
    assert_int_equal(tu_count(s, "hf/bad-auto-map", CUSTODY_SEV_MEDIUM), 3);
    assert_int_equal(tu_count(s, "hf/bad-auto-map", CUSTODY_SEV_HIGH), 1);
    custody_scan_free(s);

    static const char pipe[] = "{\"custom_pipelines\": {\"text-classification\": "
                               "{\"impl\": \"pipe_x.MyPipeline\", \"pt\": [\"AutoModel\"]}}}";
    s = tu_scan_buffer("config.json", (const uint8_t *)pipe, sizeof(pipe) - 1);
    assert_true(tu_has_text(s, "pipe_x.py", CUSTODY_SEV_HIGH));
    custody_scan_free(s);

    static const char plain[] = "{\"model_type\": \"bert\", \"hidden_size\": 8}";
    s = tu_scan_buffer("config.json", (const uint8_t *)plain, sizeof(plain) - 1);
    assert_int_equal(tu_count(s, NULL, CUSTODY_SEV_LOW), 0);
    custody_scan_free(s);
}

static void test_repo_benign(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("hfrepo");
    if (tu_count(s, NULL, CUSTODY_SEV_MEDIUM) != 0) {
        tu_dump(s);
        fail_msg("benign repository has findings at medium or above");
    }
    assert_true(custody_scan_file_count(s) >= 4);
    assert_true(has_at(s, "safetensors/summary", "model.safetensors", CUSTODY_SEV_INFO));
    custody_scan_free(s);
}

static void test_repo_remote_code(void **state)
{
    (void)state;
    custody_scan *s = tu_scan_fixture("hfrepo-remote-code");
    bool ok = has_at(s, "hf/trust-remote-code", "config.json", CUSTODY_SEV_HIGH) &&
              has_at(s, "hf/remote-code-external", "config.json", CUSTODY_SEV_HIGH) &&
              has_at(s, "python/decode-and-exec", "modeling_foo.py", CUSTODY_SEV_CRITICAL) &&
              has_at(s, NULL, "training_args.bin", CUSTODY_SEV_CRITICAL) &&
              !has_at(s, NULL, "configuration_foo.py", CUSTODY_SEV_MEDIUM) &&
              !has_at(s, NULL, "model.safetensors", CUSTODY_SEV_LOW) &&
              (tu_has_text(s, "modeling_foo.py, configuration_foo.py", CUSTODY_SEV_HIGH) ||
               tu_has_text(s, "configuration_foo.py, modeling_foo.py", CUSTODY_SEV_HIGH));
    if (!ok) {
        tu_dump(s);
        fail_msg("remote-code repository: expected findings missing");
    }
    assert_true(tu_has_text(s, "os.system", CUSTODY_SEV_CRITICAL));
    custody_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_process_exec),    cmocka_unit_test(test_exec_eval),
        cmocka_unit_test(test_decode_and_exec), cmocka_unit_test(test_other_rules),
        cmocka_unit_test(test_tokenizer_edges), cmocka_unit_test(test_selection),
        cmocka_unit_test(test_malformed),       cmocka_unit_test(test_auto_map),
        cmocka_unit_test(test_repo_benign),     cmocka_unit_test(test_repo_remote_code),
        cmocka_unit_test(test_json_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
