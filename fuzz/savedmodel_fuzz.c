/* Fuzzes the savedmodel analyzer (SavedModel, GraphDef, keras_metadata.pb, fingerprint.pb) (and
 * whatever it dispatches) through the public scan API. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* keras_metadata.pb and fingerprint.pb are recognised by name plus content */
    fuzz_scan_named("saved_model.pb", data, size);
    fuzz_scan_named("keras_metadata.pb", data, size);
    fuzz_scan_named("fingerprint.pb", data, size);
    return 0;
}
