/* Rules of the GGUF analyzer and of the Jinja chat-template analyzer. */
#include "rules/catalogue.h"

static const custody_rule gguf_rules[] = {
    { "gguf/malformed", "Malformed GGUF file", CUSTODY_SEV_HIGH,
      "The GGUF header, metadata or tensor infos break the specification: a count or length "
      "that runs past the end of the file, an unknown value or tensor type, a bad alignment, an "
      "over-long name, too many dimensions. Out-of-bounds lengths and counts in GGUF metadata "
      "have caused heap overflows in GGUF readers (llama.cpp's gguf parser had several in "
      "2024), so a broken file is treated as an attack on the loader.",
      "Do not load the file; download the model again from a trusted source." },
    { "gguf/duplicate-key", "Duplicate GGUF metadata key", CUSTODY_SEV_HIGH,
      "The same metadata key appears more than once. llama.cpp rejects the file, other readers "
      "keep the first or the last value: a scanner or a reviewer may see a harmless value (a "
      "chat template, a tokenizer setting) while the loader uses another.",
      "Do not load the file." },
    { "gguf/bad-key", "Invalid GGUF metadata key", CUSTODY_SEV_MEDIUM,
      "A metadata key holds control characters, spaces or non-ASCII bytes; the specification "
      "asks for ASCII keys. Such keys are made by hand, and can look like another key in a "
      "listing.",
      "Find out which tool wrote the file; re-convert the model." },
    { "gguf/invalid-value", "GGUF metadata value of the wrong type", CUSTODY_SEV_MEDIUM,
      "A well-known key has the wrong value type (general.architecture or a chat template that "
      "is not a string), or a boolean holds a byte other than 0 or 1. Readers that assume the "
      "type may misread or abort.",
      "Re-convert the model with a current llama.cpp." },
    { "gguf/duplicate-tensor", "Duplicate GGUF tensor name", CUSTODY_SEV_HIGH,
      "Two tensor infos have the same name; loaders disagree on which one they use, so the "
      "weights that run need not be the weights that were reviewed.",
      "Do not load the file." },
    { "gguf/tensor-layout", "GGUF tensor data out of bounds, misaligned or overlapping",
      CUSTODY_SEV_HIGH,
      "A tensor's offset is not a multiple of general.alignment, its data ends past the end of "
      "the file, or it shares bytes with another tensor. Readers that trust the offsets read "
      "out of bounds or hand two tensors the same memory.",
      "Do not load the file." },
    { "gguf/tensor-order", "GGUF tensors not packed in order", CUSTODY_SEV_MEDIUM,
      "The tensors do not follow one another in the data section (each at the previous end "
      "rounded up to the alignment): there is a gap or they are out of order. llama.cpp refuses "
      "such a file while gguf-py reads it, and a gap is room for hidden content.",
      "Re-convert the model with a current llama.cpp." },
    { "gguf/facts", "GGUF model facts", CUSTODY_SEV_INFO,
      "Architecture, tensor count, parameter count, tensor types and chat templates of the "
      "GGUF file, for the bill of materials.",
      "None needed." },
    { "template/ssti", "Chat template with a sandbox escape or code execution",
      CUSTODY_SEV_CRITICAL,
      "The Jinja chat template reaches Python internals: dunder or private attributes "
      "(__class__, __mro__, __subclasses__, __globals__, __builtins__, __init__...) directly, "
      "through subscript strings, |attr() or names built from pieces; names such as os, popen, "
      "eval, exec, import; or the known sandbox-escape gadgets (lipsum, cycler, joiner, "
      "namespace or range used as objects, self, request, config, url_for, "
      "get_flashed_messages). Front ends render the template when a chat starts, so this runs "
      "code on the machine that loads the model (CVE-2024-34359, llama-cpp-python). No real "
      "chat template needs any of it.",
      "Do not load the model. If the weights are needed, replace the chat template with a "
      "known-good one and render templates only in an ImmutableSandboxedEnvironment." },
    { "template/include", "Chat template loads other templates", CUSTODY_SEV_HIGH,
      "The chat template uses {% include %} or {% extends %}: it reads other templates "
      "through the environment's loader, i.e. files that were not scanned.",
      "Inline the template; do not load the model with a file-system template loader." },
    { "template/malformed", "Chat template that Jinja cannot compile", CUSTODY_SEV_MEDIUM,
      "The chat template has an unterminated tag, string or comment, an unexpected character "
      "or unbalanced brackets, or is not a string. The analysis read what it could; Jinja "
      "would refuse the template, so the model's chat formatting is broken or the template "
      "was tampered with.",
      "Replace the chat template with the model author's published one." },
    { "template/too-large", "Chat template too large to analyse", CUSTODY_SEV_HIGH,
      "The chat template (or one of its tags) exceeds a safety limit, so it was not analysed "
      "completely. Real chat templates are a few kilobytes.",
      "Inspect the template by hand or replace it." },
};

CU_RULE_TABLE(cu_rules_gguf, gguf_rules);
