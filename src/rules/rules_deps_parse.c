/* Rules of the dependency-file parsers (src/deps/deps.c): files that cannot be read. */
#include "rules/catalogue.h"

static const custody_rule deps_parse_rules[] = {
    { "deps/malformed", "Manifest or lockfile cannot be parsed", CUSTODY_SEV_HIGH,
      "A file that package managers load by its name (package-lock.json, yarn.lock, "
      "pnpm-lock.yaml, bun.lock, package.json, requirements.txt, pyproject.toml, poetry.lock, "
      "uv.lock, Pipfile.lock, pylock.toml) does not parse: broken syntax, duplicate keys, a "
      "package entry without a name or version, an invalid requirement line. Custody cannot "
      "audit what it cannot read, so the file fails closed rather than passing with no "
      "packages. Duplicate keys in particular are read differently by different tools (the "
      "first or the last wins), which can hide a package from review.",
      "Regenerate the lockfile with the package manager (npm install, yarn, pnpm install, "
      "uv lock, poetry lock) and review the diff; fix the manifest by hand only if you wrote "
      "it." },
    { "deps/unsupported-version", "Lockfile format version not supported", CUSTODY_SEV_HIGH,
      "The lockfile declares a format version Custody does not know (lockfileVersion, "
      "__metadata.version, lock-version, uv.lock version, pipfile-spec). Its layout may differ "
      "from the versions Custody reads, so its packages cannot be audited; it is not passed "
      "as empty.",
      "Check which tool wrote the file. Regenerate it with a supported package manager "
      "version, or report the new format so support can be added." },
};

CU_RULE_TABLE(cu_rules_deps_parse, deps_parse_rules);
