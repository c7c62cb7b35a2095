#ifndef CUSTODY_H
#define CUSTODY_H
/* Custody: trust for the AI software supply chain. This header includes the whole API. */
#include "custody/bom.h"
#include "custody/common.h"
#include "custody/db.h"
#include "custody/deps.h"
#include "custody/finding.h"
#include "custody/provenance.h"
#include "custody/report.h"
#include "custody/rules.h"
#include "custody/scan.h"
#endif
