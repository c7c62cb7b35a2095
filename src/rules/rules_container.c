/* Rules of the container analyzers: zip, tar/7z (libarchive), compressed streams. */
#include "rules/catalogue.h"

static const custody_rule container_rules[] = {
    { "zip/malformed", "Malformed zip archive", CUSTODY_SEV_MEDIUM,
      "The zip structure is broken. Loaders and scanners may disagree about its members.",
      "Re-create the archive from a trusted source." },
};

CU_RULE_TABLE(cu_rules_container, container_rules);
