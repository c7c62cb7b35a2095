#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custody/bom.h"
#include "custody/custody.h"
#include "cli.h"

static const char bom_usage[] =
    "usage: custody bom [options] PATH...\n"
    "       custody bom diff [--format text|json] OLD NEW\n"
    "\n"
    "Write an AI bill of materials of the models, datasets and dependencies under PATH:\n"
    "CycloneDX 1.6/1.7 JSON (ML-BOM) or SPDX 3.0.1 JSON-LD (AI and Dataset profiles).\n"
    "One scan and one hashing pass per model: every file's SHA-256 and the model's OMS root\n"
    "digest (as `custody digest`), format, framework, parameter count, dtype, quantization,\n"
    "architecture, task, licence, base-model lineage and datasets from the model card, scan\n"
    "verdicts and signature presence. Nothing is executed and nothing is invented: a field is\n"
    "filled only from what the files say. SOURCE_DATE_EPOCH fixes the timestamp; the serial\n"
    "number is derived from the content, so equal inputs give identical BOMs.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT        cyclonedx (default) or spdx\n"
    "      --spec-version V    CycloneDX 1.6 (default) or 1.7; SPDX 3.0.1\n"
    "  -o, --output FILE       write the BOM to FILE instead of standard output\n"
    "  -j, --threads N         hashing and scanning threads (default: one per CPU)\n"
    "  -h, --help              show this help\n"
    "\n"
    "exit status:\n"
    "  0  the BOM was written (findings are recorded in it, not in the exit status)\n"
    "  2  usage error, or an input that could not be read (fail closed: no BOM)\n";

static const char diff_usage[] =
    "usage: custody bom diff [--format text|json] OLD NEW\n"
    "\n"
    "Compare two BOMs written by custody bom (CycloneDX or SPDX, detected by content; the two\n"
    "may differ): components added, removed and changed (digest, per-file digests, version,\n"
    "licence, scan verdict, signature) - what changed between source and deployment.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT   text (default) or json\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status:\n"
    "  0  no differences\n"
    "  1  differences (listed)\n"
    "  2  usage error, or a BOM that could not be read or recognised\n";

static const char *change_name(custody_bom_change c)
{
    return c == CUSTODY_BOM_ADDED ? "added" : c == CUSTODY_BOM_REMOVED ? "removed" : "changed";
}

static int cmd_bom_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (cli_text_or_json(optarg, &json) != 0) {
                cli_errorf("bom diff: unknown format '%s' (text or json)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'h':
            return fputs(diff_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        default:
            (void)fputs(diff_usage, stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        cli_errorf("bom diff: give exactly two BOM files, OLD and NEW");
        (void)fputs(diff_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    custody_error err;
    memset(&err, 0, sizeof(err));
    custody_bom_diff *d = NULL;
    int rc = custody_bom_diff_files(&d, argv[optind], argv[optind + 1], &err);
    if (rc < 0) {
        cli_errorf("bom diff: %s%s%s", err.where, err.where[0] ? ": " : "",
                   err.msg[0] ? err.msg : custody_strerror(rc));
        return CLI_EXIT_USAGE;
    }
    size_t n = custody_bom_diff_count(d);
    int bad = 0;
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            const custody_bom_diff_entry *e = custody_bom_diff_entry_at(d, i);
            json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "change", change_name(e->change), "type",
                                  e->type != NULL ? e->type : "", "name",
                                  e->name != NULL ? e->name : "", "key", e->key);
            if (o != NULL && e->field != NULL) {
                bad |= json_object_set_new(o, "field", json_string(e->field));
                bad |= json_object_set_new(o, "old",
                                           e->old_value ? json_string(e->old_value) : json_null());
                bad |= json_object_set_new(o, "new",
                                           e->new_value ? json_string(e->new_value) : json_null());
            }
            bad |= o == NULL || json_array_append_new(arr, o) != 0;
        }
        json_t *root = json_pack("{s:s,s:s,s:I,s:o}", "old", argv[optind], "new", argv[optind + 1],
                                 "changes", (json_int_t)n, "differences", arr);
        bad |= root == NULL ||
               json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) !=
                   0 ||
               fputc('\n', stdout) == EOF;
        json_decref(root);
    } else {
        for (size_t i = 0; i < n && !bad; i++) {
            const custody_bom_diff_entry *e = custody_bom_diff_entry_at(d, i);
            if (e->field == NULL) {
                bad |= printf("%-8s %s %s (%s)\n", change_name(e->change),
                              e->type != NULL ? e->type : "component",
                              e->name != NULL ? e->name : "", e->key) < 0;
            } else {
                bad |= printf("changed  %s %s: %s: %s -> %s\n",
                              e->type != NULL ? e->type : "component",
                              e->name != NULL ? e->name : e->key, e->field,
                              e->old_value != NULL ? e->old_value : "(none)",
                              e->new_value != NULL ? e->new_value : "(none)") < 0;
            }
        }
        if (!bad && n == 0) {
            bad |= puts("no differences") < 0;
        }
    }
    custody_bom_diff_free(d);
    if (bad || fflush(stdout) != 0) {
        cli_errorf("bom diff: cannot write the output");
        return CLI_EXIT_USAGE;
    }
    return n > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

/* SOURCE_DATE_EPOCH: decimal seconds; unset = now (-1); malformed = usage error (-2). */
static int64_t source_date_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s == NULL || s[0] == '\0') {
        return -1;
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 253402300799LL) {
        return -2;
    }
    return (int64_t)v;
}

int cmd_bom(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "diff") == 0) {
        return cmd_bom_diff(argc - 1, argv + 1);
    }
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "spec-version", required_argument, NULL, 'S' },
        { "output", required_argument, NULL, 'o' },
        { "threads", required_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    custody_bom_options bopts;
    memset(&bopts, 0, sizeof(bopts));
    custody_scan_options sopts;
    memset(&sopts, 0, sizeof(sopts));
    const char *out_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "cyclonedx") == 0) {
                bopts.format = CUSTODY_BOM_CYCLONEDX;
            } else if (strcmp(optarg, "spdx") == 0) {
                bopts.format = CUSTODY_BOM_SPDX;
            } else {
                cli_errorf("bom: unknown format '%s' (cyclonedx or spdx)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'S':
            bopts.spec_version = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'j': {
            char *end = NULL;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v < 1 || v > 1024) {
                cli_errorf("bom: --threads wants a number from 1 to 1024");
                return CLI_EXIT_USAGE;
            }
            sopts.threads = (unsigned)v;
            bopts.threads = (unsigned)v;
            break;
        }
        case 'h':
            return fputs(bom_usage, stdout) < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
        default:
            (void)fputs(bom_usage, stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_errorf("bom: no PATH given");
        (void)fputs(bom_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (bopts.spec_version != NULL &&
        !(bopts.format == CUSTODY_BOM_CYCLONEDX &&
          (strcmp(bopts.spec_version, "1.6") == 0 || strcmp(bopts.spec_version, "1.7") == 0)) &&
        !(bopts.format == CUSTODY_BOM_SPDX && strcmp(bopts.spec_version, "3.0.1") == 0)) {
        cli_errorf("bom: --spec-version %s is not one %s writes (%s)", bopts.spec_version,
                   bopts.format == CUSTODY_BOM_SPDX ? "SPDX" : "CycloneDX",
                   bopts.format == CUSTODY_BOM_SPDX ? "3.0.1" : "1.6 or 1.7");
        return CLI_EXIT_USAGE;
    }
    bopts.created = source_date_epoch();
    if (bopts.created == -2) {
        cli_errorf("bom: SOURCE_DATE_EPOCH is not a number of seconds");
        return CLI_EXIT_USAGE;
    }
    /* the subject: the base name of the one PATH (of its real path for "." and "..") */
    char subject[256] = "";
    if (argc - optind == 1) {
        char *real = realpath(argv[optind], NULL);
        const char *p = real != NULL ? real : argv[optind];
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/') {
            n--;
        }
        size_t s = n;
        while (s > 0 && p[s - 1] != '/') {
            s--;
        }
        if (n > s && n - s < sizeof(subject)) {
            memcpy(subject, p + s, n - s);
            subject[n - s] = '\0';
        }
        free(real);
        bopts.subject = subject[0] != '\0' ? subject : NULL;
    }
    custody_error err;
    memset(&err, 0, sizeof(err));
    custody_scan *scan = NULL;
    FILE *out = NULL;
    int status = CLI_EXIT_USAGE;
    int rc = custody_scan_new(&scan, &sopts, &err);
    for (int i = optind; rc == 0 && i < argc; i++) {
        rc = custody_scan_add_path(scan, argv[i], &err);
    }
    if (rc == 0) {
        rc = custody_scan_run(scan, &err);
    }
    if (rc < 0) {
        cli_errorf("bom: %s", err.msg[0] ? err.msg : custody_strerror(rc));
        goto out;
    }
    for (size_t i = 0; i < custody_scan_file_count(scan); i++) {
        const custody_file *f = custody_scan_file(scan, i);
        if (f->status == CUSTODY_FILE_ERROR) {
            cli_errorf("bom: %s: %s", f->path, f->reason != NULL ? f->reason : "cannot be read");
            goto out;
        }
    }
    out = out_path != NULL ? fopen(out_path, "w") : stdout;
    if (out == NULL) {
        cli_errorf("bom: cannot write %s: %s", out_path, strerror(errno));
        goto out;
    }
    rc = custody_bom_write(out, scan, &bopts, &err);
    if (rc < 0) {
        cli_errorf("bom: %s%s%s", err.where, err.where[0] ? ": " : "",
                   err.msg[0] ? err.msg : custody_strerror(rc));
        goto out;
    }
    if (fflush(out) != 0 || ferror(out)) {
        cli_errorf("bom: cannot write the BOM");
        goto out;
    }
    status = CLI_EXIT_OK;
out:
    if (out != NULL && out != stdout) {
        if (fclose(out) != 0 && status == CLI_EXIT_OK) {
            cli_errorf("bom: cannot write %s", out_path);
            status = CLI_EXIT_USAGE;
        }
        if (status != CLI_EXIT_OK) {
            (void)unlink(out_path);
        }
    }
    custody_scan_free(scan);
    return status;
}
