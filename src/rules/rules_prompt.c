/* Rules of prompts, agent rules files (src/agents/prompt.c, prompt/) and agent skills
 * (src/agents/skill.c, skill/). The hidden-unicode, bidi-control, mixed-script,
 * injection-language and remote-include checks are shared (src/agents/unicode.c, language.c). */
#include "rules/catalogue.h"

#define UNI_DESC(what)                                                                        \
    "The " what " contains invisible Unicode: tag characters (U+E0000-E007F, which spell "    \
    "ASCII text no editor shows; the hidden text is decoded into the evidence), zero-width "  \
    "and format characters outside the scripts and emoji sequences that use them, variation " \
    "selectors used to carry bytes, or invalid UTF-8. Models read what reviewers cannot see."
#define UNI_FIX                                                                              \
    "Remove the invisible characters (or the file) and review what they said; accept agent " \
    "instructions only as plain visible text."
#define BIDI_DESC(what)                                                                         \
    "The " what " contains Unicode bidirectional controls (LRE/RLE/LRO/RLO/PDF, "               \
    "LRI/RLI/FSI/PDI, LRM/RLM/ALM). Overrides and isolates make text display in a different "   \
    "order from the one it is read in (trojan source, CVE-2021-42574); a control left open at " \
    "the end of a line is high, marks inside right-to-left prose are low."
#define BIDI_FIX "Remove the controls; review the line as its bytes read, not as it displays."
#define MIX_DESC(what)                                                                            \
    "A word in the " what " mixes Latin letters with Cyrillic or Greek look-alikes (a homoglyph " \
    "spelling): it reads like a familiar word, a command or a name, and is a different string."
#define MIX_FIX \
    "Retype the word in one script; check what the look-alike spelling is meant to evade."
#define INJ_DESC(what)                                                                            \
    "The " what " contains language that tells an agent to override its instructions (\"ignore "  \
    "previous instructions\", \"you are now\"), hide what it does from the user, send "           \
    "credentials or files to somewhere, or use tools in a way the user did not ask for. Phrases " \
    "quoted inside security guidance that warns against them are reported at low or info."
#define INJ_FIX "Remove the instructions or do not use the file with an agent; find who added them."
#define REM_DESC(what)                                                                           \
    "The " what " tells the agent to fetch instructions from a URL and follow them (what the "   \
    "agent does is then decided by whoever controls that URL, after the file was reviewed), or " \
    "contains a fetch-and-run one-liner (curl ... | sh, iwr ... | iex: critical)."
#define REM_FIX \
    "Inline reviewed instructions instead of a remote include; never pipe downloads to a shell."

static const custody_rule prompt_rules[] = {
    { "prompt/hidden-unicode", "Hidden Unicode in a prompt or rules file", CUSTODY_SEV_HIGH,
      UNI_DESC("prompt or agent rules file"), UNI_FIX },
    { "prompt/bidi-control", "Bidirectional control characters in a prompt or rules file",
      CUSTODY_SEV_HIGH, BIDI_DESC("prompt or agent rules file"), BIDI_FIX },
    { "prompt/mixed-script", "Mixed-script word in a prompt or rules file", CUSTODY_SEV_MEDIUM,
      MIX_DESC("prompt or agent rules file"), MIX_FIX },
    { "prompt/injection-language", "Instruction-override or exfiltration language",
      CUSTODY_SEV_HIGH, INJ_DESC("prompt or agent rules file"), INJ_FIX },
    { "prompt/remote-include", "Remote instructions or fetch-and-run in a prompt", CUSTODY_SEV_HIGH,
      REM_DESC("prompt or agent rules file"), REM_FIX },
    { "prompt/hardcoded-secret", "Credential in a prompt or rules file", CUSTODY_SEV_HIGH,
      "A token of a known provider, a private key or a URL with a password is written in the "
      "file; every agent session (and every repository clone) carries it. Output redacts it.",
      "Revoke the credential and load it from the environment or a secret store." },
    { "prompt/malformed", "Unreadable prompt or rules file", CUSTODY_SEV_MEDIUM,
      "The file could not be read as text (too large, or damaged front matter), so it was not "
      "fully checked.",
      "Review the file by hand." },

    { "skill/hidden-unicode", "Hidden Unicode in a skill", CUSTODY_SEV_HIGH,
      UNI_DESC("skill's SKILL.md"), UNI_FIX },
    { "skill/bidi-control", "Bidirectional control characters in a skill", CUSTODY_SEV_HIGH,
      BIDI_DESC("skill's SKILL.md"), BIDI_FIX },
    { "skill/mixed-script", "Mixed-script word in a skill", CUSTODY_SEV_MEDIUM,
      MIX_DESC("skill's SKILL.md"), MIX_FIX },
    { "skill/injection-language", "Instruction-override or exfiltration language in a skill",
      CUSTODY_SEV_HIGH, INJ_DESC("skill's SKILL.md"), INJ_FIX },
    { "skill/remote-include", "Skill includes remote instructions", CUSTODY_SEV_HIGH,
      REM_DESC("skill's SKILL.md"), REM_FIX },
    { "skill/malformed", "Malformed skill", CUSTODY_SEV_MEDIUM,
      "SKILL.md could not be read: the YAML front matter between the '---' lines does not "
      "parse or is not a mapping, or the file is too large. Agents may read it differently "
      "from this scan.",
      "Fix the front matter; review the skill by hand." },
    { "skill/missing-metadata", "Skill without name or description", CUSTODY_SEV_LOW,
      "SKILL.md has no front matter, or its front matter lacks 'name' or 'description'. Agents "
      "choose a skill by its description; one without it is not from a maintained source.",
      "Add name and description; prefer skills from a known publisher." },
    { "skill/typosquat", "Skill name imitates a well-known skill", CUSTODY_SEV_MEDIUM,
      "The skill's name is one edit away from a well-known skill (Anthropic's public skills, "
      "OpenClaw's bundled skills, ClawHub's most installed) without being it. The ClawHavoc "
      "campaign (2026) published hundreds of look-alike skills that installed info-stealers.",
      "Check the publisher; install the skill under its real name from its real source." },
    { "skill/over-broad-trigger", "Skill asks to be used for everything", CUSTODY_SEV_MEDIUM,
      "The description tells the agent to use the skill for any task, always, or before any "
      "other skill: it makes the agent load the skill's instructions into every session.",
      "Narrow the description to what the skill does; distrust skills that claim everything." },
    { "skill/fetch-and-run", "Skill downloads and runs code", CUSTODY_SEV_CRITICAL,
      "The skill's instructions or scripts pipe a download into a shell or interpreter (curl | "
      "sh, wget -O- | bash, iwr | iex, bash <(curl ...)), run decoded data (base64 -d | sh, "
      "powershell -EncodedCommand), or tell the agent to download and run a 'prerequisite'. "
      "This is how the ClawHavoc skills installed info-stealers.",
      "Do not install the skill. Report it to the registry." },
    { "skill/protected-archive", "Skill downloads a password-protected archive", CUSTODY_SEV_HIGH,
      "The skill gives a password for an archive it has the agent or the user download (or "
      "unpacks one with unzip -P / 7z -p): encryption keeps the payload from malware scanners.",
      "Do not install the skill. Report it to the registry." },
    { "skill/credential-harvesting", "Skill reads credentials or wallets", CUSTODY_SEV_HIGH,
      "The skill reads (or tells the agent to read) SSH keys, .env files, cloud credentials, "
      "browser profiles (Login Data, Cookies), keychains, crypto-wallet files or seed phrases. "
      "A mention in prose is medium; reading them in a script or a command is high.",
      "Do not install the skill unless its purpose explains it; review what it does with them." },
    { "skill/exfil-endpoint", "Skill names an exfiltration endpoint", CUSTODY_SEV_HIGH,
      "The skill sends data to, or names, a request catcher or drop site: webhook.site, "
      "Discord webhooks, Telegram bot API, paste sites, ngrok/tunnel hosts, request bins, or a "
      "URL with a raw IP address.",
      "Do not install the skill; check what it sends there." },
    { "skill/persistence", "Skill installs persistence", CUSTODY_SEV_HIGH,
      "The skill adds a cron job, a launchd agent (LaunchAgents, launchctl), a systemd user "
      "unit, a scheduled task or Run key, or appends to shell start-up files (.bashrc, .zshrc, "
      ".profile): its code keeps running after the agent session. A mention in prose is "
      "medium.",
      "Do not install the skill unless its purpose explains it; remove what it installed." },
    { "skill/native-binary", "Skill ships a native executable", CUSTODY_SEV_MEDIUM,
      "A file in the skill folder is an ELF, PE or Mach-O executable or library. Skills are "
      "instructions and scripts a reviewer can read; a compiled program is opaque, and the "
      "agent runs it with the user's permissions.",
      "Ask for the source and build it yourself, or do not install the skill." },
    { "skill/obfuscation", "Obfuscated content in a skill", CUSTODY_SEV_MEDIUM,
      "The skill contains a long base64 or hex blob, many escaped bytes, or a minified line "
      "of code: content a reviewer cannot read, often a packed payload.",
      "Ask for the source of the packed content; review what it decodes to." },
    { "skill/hardcoded-secret", "Credential in a skill", CUSTODY_SEV_HIGH,
      "A token of a known provider, a private key or a URL with a password is written in the "
      "skill. Output redacts it.",
      "Revoke the credential; skills must read credentials from the environment." },
    { "skill/digest-error", "Skill folder could not be hashed", CUSTODY_SEV_LOW,
      "The digest of the skill folder (for the inventory and the BOM) could not be computed: "
      "the folder contains a symbolic link (which can point outside the skill) or an "
      "unreadable file, or it is too large to hash during a scan (more than 5000 files or "
      "512 MiB, counted with lstat).",
      "Replace symbolic links with the files; review where they pointed." },
};

CU_RULE_TABLE(cu_rules_prompt, prompt_rules);
