#ifndef CU_HDF5_H
#define CU_HDF5_H
/* Legacy Keras HDF5 models (.h5): a bounded reader of the superblock, the root group's object
 * header and its model_config / training_config attributes (docs/hdf5.md). */
#include "engine/engine.h"

extern const struct cu_analyzer cu_analyzer_hdf5;

#endif
