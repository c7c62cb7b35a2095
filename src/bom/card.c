/* Model cards for the BOM: the YAML front matter of a Hugging Face README.md (license,
 * base_model, datasets, pipeline_tag, library_name, language) and the licence a LICENSE file's
 * text names. Read-only, bounded, never executed; facts as docs/facts.md lists them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "bom/bom_int.h"
#include "core/util.h"
#include "core/banned.h"

#define CARD_MAX_READ  (256u << 10) /* bytes of README.md / LICENSE read */
#define CARD_MAX_VALUE 256u         /* longest value kept */
#define CARD_MAX_LIST  64u          /* list entries kept per key */

/* Reads up to CARD_MAX_READ bytes of a file; *out is NUL-terminated. A missing or unreadable
 * file gives no facts (the scan already read and judged it). */
static char *read_head(const char *path, size_t *len)
{
    /* O_NONBLOCK + regular-file check: a FIFO or device under the card's name never blocks */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (buf = cu_malloc(CARD_MAX_READ + 1)) == NULL) {
        (void)close(fd);
        return NULL;
    }
    while (n < CARD_MAX_READ) {
        ssize_t got = read(fd, buf + n, CARD_MAX_READ - n);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        n += (size_t)got;
    }
    (void)close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool printable(const char *s, size_t n)
{
    if (n == 0 || n > CARD_MAX_VALUE || strlen(s) != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            return false;
        }
    }
    return true;
}

/* Adds a scalar node's value, or each scalar of a sequence node, as `fact`. */
static int add_node(struct cu_bom_item *it, yaml_document_t *doc, yaml_node_t *n, const char *fact)
{
    if (n == NULL) {
        return 0;
    }
    if (n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        if (!printable(v, n->data.scalar.length) || strcmp(v, "null") == 0 || strcmp(v, "~") == 0) {
            return 0;
        }
        return cu_bom_add_fact(it, fact, v);
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        return 0;
    }
    size_t k = 0;
    for (yaml_node_item_t *i = n->data.sequence.items.start;
         i < n->data.sequence.items.top && k < CARD_MAX_LIST; i++, k++) {
        yaml_node_t *e = yaml_document_get_node(doc, *i);
        if (e != NULL && e->type == YAML_SCALAR_NODE) {
            int rc = add_node(it, doc, e, fact);
            if (rc < 0) {
                return rc;
            }
        }
    }
    return 0;
}

int cu_bom_read_card(struct cu_bom_item *it, const char *path)
{
    size_t len = 0;
    char *text = read_head(path, &len);
    if (text == NULL) {
        return 0;
    }
    int rc = cu_bom_parse_card(it, text, len);
    free(text);
    return rc;
}

int cu_bom_parse_card(struct cu_bom_item *it, const char *text, size_t len)
{
    static const struct {
        const char *key;
        const char *fact;
    } keys[] = {
        { "license", "model.license" },
        { "license_name", "model.license.name" },
        { "license_link", "model.license.link" },
        { "base_model", "model.base_model" },
        { "base_model_relation", "model.base_model.relation" },
        { "datasets", "model.datasets" },
        { "pipeline_tag", "model.task" },
        { "library_name", "framework" },
        { "language", "model.language" },
        { "model_name", "model.name" },
        { "tags", "model.tags" },
    };
    /* front matter: "---" on the first line, up to the next line that is "---" */
    const char *p = text;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
    }
    int rc = 0;
    if (strncmp(p, "---", 3) != 0 || (p[3] != '\n' && p[3] != '\r')) {
        goto out;
    }
    const char *body = strchr(p, '\n');
    const char *end = NULL;
    for (const char *l = body; l != NULL; l = strchr(l + 1, '\n')) {
        if (strncmp(l + 1, "---", 3) == 0 && (l[4] == '\n' || l[4] == '\r' || l[4] == '\0')) {
            end = l + 1;
            break;
        }
    }
    if (body == NULL || end == NULL) {
        goto out;
    }
    body++;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        rc = CUSTODY_ENOMEM;
        goto out;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)body, (size_t)(end - body));
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_parser_delete(&parser); /* not YAML: no facts, the card is still listed */
        goto out;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root != NULL && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
             pr < root->data.mapping.pairs.top && rc == 0; pr++) {
            yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
            if (k == NULL || k->type != YAML_SCALAR_NODE) {
                continue;
            }
            for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                if (strcmp((const char *)k->data.scalar.value, keys[i].key) == 0) {
                    rc = add_node(it, &doc, yaml_document_get_node(&doc, pr->value), keys[i].fact);
                }
            }
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
out:
    return rc;
}

/* Lower-case, whitespace collapsed to one space, in place. */
static void normalise(char *s)
{
    size_t o = 0;
    bool sp = true;
    for (size_t i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            if (!sp) {
                s[o++] = ' ';
            }
            sp = true;
            continue;
        }
        s[o++] = (char)tolower(c);
        sp = false;
    }
    s[o] = '\0';
}

int cu_bom_read_license(struct cu_bom_item *it, const char *path)
{
    /* Most specific first: every marker is a phrase of the licence's own text. */
    static const struct {
        const char *a, *b;
        const char *id;
    } marks[] = {
        { "gnu affero general public license", "version 3", "AGPL-3.0-only" },
        { "gnu lesser general public license", "version 3", "LGPL-3.0-only" },
        { "gnu lesser general public license", "version 2.1", "LGPL-2.1-only" },
        { "gnu general public license", "version 3", "GPL-3.0-only" },
        { "gnu general public license", "version 2", "GPL-2.0-only" },
        { "apache license", "version 2.0", "Apache-2.0" },
        { "mozilla public license", "2.0", "MPL-2.0" },
        { "attribution-noncommercial-sharealike 4.0 international", NULL, "CC-BY-NC-SA-4.0" },
        { "attribution-noncommercial 4.0 international", NULL, "CC-BY-NC-4.0" },
        { "attribution-sharealike 4.0 international", NULL, "CC-BY-SA-4.0" },
        { "creative commons attribution 4.0 international", NULL, "CC-BY-4.0" },
        { "attribution 4.0 international", "creative commons", "CC-BY-4.0" },
        { "llama 3.1 community license", NULL, "llama3.1" },
        { "llama 3.2 community license", NULL, "llama3.2" },
        { "llama 3.3 community license", NULL, "llama3.3" },
        { "llama 3 community license", NULL, "llama3" },
        { "llama 2 community license", NULL, "llama2" },
        { "gemma terms of use", NULL, "gemma" },
        { "boost software license - version 1.0", NULL, "BSL-1.0" },
        { "this is free and unencumbered software released into the public domain", NULL,
          "Unlicense" },
        { "redistribution and use in source and binary forms", "neither the name", "BSD-3-Clause" },
        { "redistribution and use in source and binary forms", NULL, "BSD-2-Clause" },
        { "permission is hereby granted, free of charge", "the above copyright notice", "MIT" },
        { "openrail", NULL, "openrail" },
    };
    size_t len = 0;
    char *text = read_head(path, &len);
    if (text == NULL) {
        return 0;
    }
    normalise(text);
    int rc = 0;
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        if (strstr(text, marks[i].a) != NULL &&
            (marks[i].b == NULL || strstr(text, marks[i].b) != NULL)) {
            rc = cu_bom_add_fact(it, "model.license.file", marks[i].id);
            break;
        }
    }
    free(text);
    return rc;
}
