/* deps/ rules driven by data (src/deps/rules_data.c): embedded lists under data/ and the
 * advisory store (custody db import-osv). */
#include "rules/catalogue.h"

static const custody_rule deps_data_rules[] = {
    { "deps/known-malicious", "Known malicious package version", CUSTODY_SEV_CRITICAL,
      "The package version is listed as malicious: by the OpenSSF malicious-packages dataset "
      "embedded in Custody (data/malicious) or by a MAL- advisory of the imported OSV store. "
      "Installing it runs attacker code (install scripts, import-time payloads). A manifest "
      "range (or a registry requirement with no range) is reported, at medium, when it admits "
      "a listed version.",
      "Remove the package, rotate every credential the machine or CI job could reach, and "
      "pin a clean version." },
    { "deps/worm-indicator", "Version published by the Shai-Hulud worm", CUSTODY_SEV_CRITICAL,
      "The package version is one that the Shai-Hulud npm worms (September 2025, November 2025 "
      "\"The Second Coming\") published with stolen tokens: installing it runs a credential "
      "stealer that republishes itself (data/shai-hulud).",
      "Remove the version, rotate npm, GitHub and cloud tokens, look for shai-hulud "
      "workflows and SHA1HULUD runners in your GitHub organisation." },
    { "deps/vulnerable", "Package version with known vulnerabilities", CUSTODY_SEV_HIGH,
      "An advisory of the imported OSV store (custody db import-osv) affects this exact "
      "version (introduced/fixed/last_affected ranges and explicit versions, compared by npm "
      "semver or PEP 440). The evidence lists the advisory ids.",
      "Upgrade to a fixed version, or document why the vulnerable code is unreachable." },
    { "deps/typosquat", "Name imitates a popular package", CUSTODY_SEV_HIGH,
      "The name is not a popular package but lies one or two edits (or a separator, homoglyph "
      "or doubled-letter rewrite) from one that is (npm-high-impact, top 15,000 PyPI). "
      "Typosquats and names hallucinated by coding assistants are a common way to plant "
      "malware. Reported at medium for transitive lockfile entries.",
      "Check the name against the package you meant; replace it with the real one." },
    { "deps/scope-confusion", "Scope imitates a popular scope", CUSTODY_SEV_HIGH,
      "An npm scope imitates a popular one (\"@typess/node\" for \"@types/node\"), or an "
      "unscoped name copies a popular scoped package (\"types-node\", medium). Installs pull "
      "an unrelated publisher's code.",
      "Use the real scoped package; map private scopes to your registry in .npmrc." },
    { "deps/unknown-package", "Direct dependency not known to the registry", CUSTODY_SEV_MEDIUM,
      "A direct dependency's name is neither popular nor in the registry name list imported into "
      "the store (custody db import-names): it may be a name an AI assistant hallucinated, which "
      "attackers register (\"slopsquatting\"), or an internal package that must come from a "
      "private registry. Only checked when a store with names is given.",
      "Confirm the package exists and is the one you meant, or mark its scope internal "
      "(--internal-scope)." },
    { "deps/store-unavailable", "Advisory store could not be read", CUSTODY_SEV_MEDIUM,
      "The store given with --db could not be opened: its advisories were not checked for "
      "this file.",
      "Create it with `custody db import-osv`, or fix the path." },
};

CU_RULE_TABLE(cu_rules_deps_data, deps_data_rules);
