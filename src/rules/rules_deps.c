/* Rules of the dependency family (deps/): the structure-driven checks of lockfiles and
 * manifests (src/deps/rules_struct.c), registry configuration files (src/deps/npmrc.c),
 * installed trees and project passes (src/deps/trees.c, src/deps/project.c), and the
 * analyzers of .pth files, binding.gyp and GitHub workflows. */
#include "rules/catalogue.h"

#define LOCK_REMEDY                                                                          \
    "Regenerate the lockfile from the registry (npm install / uv lock / poetry lock) after " \
    "reviewing the dependency, and commit the result."
#define CONFIRM_REMEDY                                                                        \
    "Do not install: remove the package, rotate every credential on machines that installed " \
    "it and report it to the registry."

static const custody_rule deps_rules[] = {
    { "deps/git-unpinned", "Git dependency not pinned to a commit", CUSTODY_SEV_HIGH,
      "A dependency comes from a git repository by branch, tag or no reference at all, not a "
      "full 40-hex commit id. Whoever can push to that repository changes the code installed "
      "next time, without any change to this file.",
      "Pin the dependency to a full commit id, or depend on a registry release." },
    { "deps/git-source", "Git dependency pinned to a commit", CUSTODY_SEV_LOW,
      "A dependency is installed from a git repository at a full commit id. The code is fixed, "
      "but it bypasses the registry (no integrity hash, no registry takedown of malware) and "
      "git dependencies run their prepare script at install.",
      "Prefer a registry release; review the repository at that commit." },
    { "deps/url-source", "Dependency from a URL outside the registry", CUSTODY_SEV_MEDIUM,
      "A package is downloaded from a tarball or archive URL that is not the ecosystem's "
      "registry. The server can serve different bytes to different clients; without an "
      "integrity hash nothing checks them.",
      "Publish the package to the registry (or a private one) and depend on a version." },
    { "deps/path-source", "Dependency from a local path", CUSTODY_SEV_INFO,
      "A package is installed from a local directory or file (file:, link:, workspace:, a "
      "path). Not a risk by itself; the code is part of the project and is not audited as a "
      "registry package.",
      "None needed when the path is part of the repository." },
    { "deps/insecure-transport", "Package or index fetched over plain HTTP or git://",
      CUSTODY_SEV_HIGH,
      "A resolved URL or package index uses http:// or git://, which anyone on the network "
      "path can read and change. lockfile-lint --validate-https flags the same.",
      "Use https:// URLs and regenerate the lockfile." },
    { "deps/registry-host", "Package resolved from a host outside the allowlist",
      CUSTODY_SEV_MEDIUM,
      "A package was resolved from a registry host that is not one of the allowed hosts "
      "(setting deps.registry-host, default registry.npmjs.org, registry.yarnpkg.com, "
      "pypi.org and files.pythonhosted.org). A lockfile that points at an unexpected host is "
      "how a tampered lockfile injects packages.",
      "Add the host to deps.registry-host when it is your own mirror; otherwise regenerate "
      "the lockfile." },
    { "deps/name-mismatch", "Resolved URL names another package", CUSTODY_SEV_MEDIUM,
      "The tarball URL of a package names a different package than the lockfile entry. npm "
      "aliases (\"x\": \"npm:y@1\") do this legitimately; otherwise it is a sign of a "
      "hand-edited lockfile that installs other code under a trusted name.",
      "Check that the alias is intended; regenerate the lockfile." },
    { "deps/missing-integrity", "Registry package without an integrity hash", CUSTODY_SEV_MEDIUM,
      "A lockfile that records integrity hashes for registry packages has none for this "
      "one, so the package manager installs whatever bytes the server returns.",
      LOCK_REMEDY },
    { "deps/weak-integrity", "Integrity hash is SHA-1 or MD5 only", CUSTODY_SEV_MEDIUM,
      "The only integrity hash recorded for the package is SHA-1 (old npm and yarn lockfiles) "
      "or MD5. Collisions for SHA-1 are practical; lockfile-lint --validate-integrity requires "
      "sha512.",
      LOCK_REMEDY },
    { "deps/unpinned", "Requirement not pinned", CUSTODY_SEV_LOW,
      "A requirements file names a package without an exact == version or a --hash, so each "
      "install may pick a newer release, including a malicious one published since.",
      "Pin exact versions with hashes (pip-compile --generate-hashes, uv pip compile)." },
    { "deps/install-script", "Package runs a script at install", CUSTODY_SEV_INFO,
      "The package has a lifecycle script (preinstall, install, postinstall, prepare) or the "
      "lockfile marks it hasInstallScript. The script runs with the user's rights when the "
      "package is installed; it is the path most npm malware uses.",
      "Review the script; install with --ignore-scripts where it is not needed." },
    { "deps/install-script-loader", "Install script downloads or decodes code",
      CUSTODY_SEV_CRITICAL,
      "A lifecycle script downloads (curl, wget, Invoke-WebRequest, a URL), decodes (base64) "
      "or evaluates code (node -e, eval, powershell, bun), or runs a Shai-Hulud 2 loader "
      "(node setup_bun.js). This is how install-time malware fetches its payload.",
      CONFIRM_REMEDY },
    { "deps/self-propagation", "Install script publishes or reads registry tokens",
      CUSTODY_SEV_CRITICAL,
      "A lifecycle script runs npm publish, npm token, gh auth, or reads ~/.npmrc or "
      "NPM_TOKEN: worms such as Shai-Hulud use the victim's tokens to publish infected "
      "versions of the victim's own packages.",
      CONFIRM_REMEDY },
    { "deps/dependency-confusion", "Internal package name resolved from a public registry",
      CUSTODY_SEV_CRITICAL,
      "A package in an internal scope (setting deps.internal-scope) or with an internal name "
      "prefix (deps.internal-prefix) was resolved from the public registry (critical), or can "
      "be: an extra index is configured next to the public one (high; pip takes the highest "
      "version from any index). A scope that the project's .npmrc maps to that registry, and "
      "uv explicit = true / Poetry priority = \"explicit\" indexes, are not findings. A scope one "
      "or two edits from an internal scope is deps/scope-confusion "
      "(high).",
      "Map the scope to the internal registry (.npmrc @scope:registry=) or pin the index "
      "explicitly; reserve the names on the public registry." },
    { "deps/registry-credentials", "Registry credentials in a configuration file", CUSTODY_SEV_HIGH,
      "An .npmrc, .pypirc or pip.conf holds a token, password or credentials in a URL. Files "
      "committed to a repository or baked into an image leak publishing rights: Shai-Hulud "
      "harvested exactly these. The secret is shown redacted.",
      "Remove the secret, rotate it, and read it from the environment (${NPM_TOKEN})." },
    { "deps/missing-lockfile", "Manifest without a lockfile", CUSTODY_SEV_LOW,
      "A package.json with dependencies (or a pyproject.toml with dependencies) has no "
      "lockfile beside it or in a parent directory: every install resolves ranges afresh and "
      "may pick a newly published malicious version.",
      "Commit the lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml, uv.lock, "
      "poetry.lock) and install with npm ci / uv sync --locked." },
    { "deps/lockfile-drift", "Lockfile does not match the manifest", CUSTODY_SEV_MEDIUM,
      "A dependency of package.json is missing from the lockfile beside it, or the locked "
      "version is outside the requested range: the lockfile was not regenerated, or was "
      "edited by hand.",
      "Run the package manager's install and commit the lockfile." },
    { "deps/native-build", "Package builds native code at install", CUSTODY_SEV_LOW,
      "A binding.gyp makes npm run node-gyp at install, which compiles and can run arbitrary "
      "commands (gyp actions, <!(...) command expansions). High when it runs a download tool.",
      "Review the binding.gyp; prefer prebuilt binaries from the registry." },
    { "deps/pth-startup-hook", "Python .pth file runs code at startup", CUSTODY_SEV_MEDIUM,
      "A .pth file in site-packages has a line starting with import: Python executes it at "
      "every interpreter start. Critical when the line decodes, downloads or runs code. Plain "
      "path lines are not findings.",
      "Find which package installed it; remove the file unless it is a known tool's hook." },
    { "deps/worm-file", "Known worm file", CUSTODY_SEV_CRITICAL,
      "A file has the name and SHA-256 of a published worm payload (Shai-Hulud bundle.js, "
      "Shai-Hulud 2 setup_bun.js / bun_environment.js), or any file has a SHA-256 given as an "
      "extra indicator (setting deps.worm-sha256, scan --ioc-sha256).",
      CONFIRM_REMEDY },
    { "deps/worm-workflow", "GitHub workflow of a known worm", CUSTODY_SEV_CRITICAL,
      "A .github/workflows file matches the published Shai-Hulud indicators: the "
      "shai-hulud-workflow.yml name, a discussion.yaml that runs on the self-hosted runner "
      "labelled SHA1HULUD, or a workflow that sends secrets to webhook.site.",
      "Delete the workflow and the runner, rotate every secret of the repository, and audit "
      "the repository's recent pushes." },
    { "deps/integrity-mismatch", "Package on disk does not match the lockfile's hash",
      CUSTODY_SEV_CRITICAL,
      "A vendored tarball, wheel or sdist, or a file an installed Python package lists in its "
      "RECORD, has a hash different from the one the lockfile (or RECORD) records: the bytes "
      "were changed after they were locked.",
      CONFIRM_REMEDY },
    { "deps/unlisted-package", "Installed package absent from the lockfile", CUSTODY_SEV_HIGH,
      "node_modules or site-packages holds a package (or version) that the project's lockfile "
      "does not list: it was installed by hand, by a script or by malware, and nothing "
      "verified it.",
      "Reinstall from the lockfile (npm ci, uv sync) and find out where the package came "
      "from." },
    { "deps/suspicious-update", "Dependency change needs review", CUSTODY_SEV_MEDIUM,
      "custody deps diff: between two lockfiles a package gained an install script, moved off "
      "the registry, changed its integrity for the same version (critical: the registry "
      "never republishes a version), or was added while unknown or close to a popular name.",
      "Review the change before merging it." },
    { "depcfg/malformed", "Unreadable registry configuration", CUSTODY_SEV_MEDIUM,
      "An .npmrc, .pypirc or pip.conf could not be read as text (NUL bytes, over the size "
      "limit), so it was not checked for credentials.",
      "Review the file by hand." },
    { "pth/malformed", "Unreadable .pth file", CUSTODY_SEV_MEDIUM,
      "A text .pth file could not be read (over the size limit or damaged).",
      "Review the file by hand." },
    { "binding-gyp/malformed", "Unreadable binding.gyp", CUSTODY_SEV_MEDIUM,
      "A binding.gyp could not be read as text.", "Review the file by hand." },
    { "gh-workflow/malformed", "Unreadable GitHub workflow", CUSTODY_SEV_MEDIUM,
      "A .github/workflows file could not be read as text.", "Review the file by hand." },
};

CU_RULE_TABLE(cu_rules_deps, deps_rules);
