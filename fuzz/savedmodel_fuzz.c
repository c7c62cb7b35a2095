/* Fuzzes the savedmodel analyzer (SavedModel, GraphDef, keras_metadata.pb, fingerprint.pb) (and
 * whatever it dispatches) through the public scan API. */
#include "fuzz.h"

#include <stdlib.h>

#include "custody/custody.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    custody_scan *s = NULL;
    custody_error err;
    custody_scan_options o = { 1, 0, 1u << 26, NULL, NULL };
    if (custody_scan_new(&s, &o, &err) != 0) {
        return 0;
    }
    /* keras_metadata.pb and fingerprint.pb are recognised by name plus content */
    static const char *const names[] = { "saved_model.pb", "keras_metadata.pb", "fingerprint.pb" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (custody_scan_buffer(s, names[i], data, size, &err) != 0) {
            break;
        }
    }
    custody_scan_free(s);
    return 0;
}
