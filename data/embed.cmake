# Datasets under data/ are compiled into the library: the host tool tools/embed.c turns each
# data/<set>/<file>.txt into a C byte array at build time (data/README.md).
add_executable(cu_embed ${PROJECT_SOURCE_DIR}/tools/embed.c)
set(CUSTODY_DATASETS
    "npm-popular/names.txt:cu_data_npm_popular"
    "pypi-popular/names.txt:cu_data_pypi_popular"
    "malicious/npm.txt:cu_data_mal_npm"
    "malicious/pypi.txt:cu_data_mal_pypi"
    "shai-hulud/npm.txt:cu_data_worm_npm"
    "shai-hulud/indicators.txt:cu_data_worm_indicators")
foreach(entry ${CUSTODY_DATASETS})
    string(REPLACE ":" ";" parts ${entry})
    list(GET parts 0 rel)
    list(GET parts 1 sym)
    set(out ${CMAKE_BINARY_DIR}/gen/${sym}.c)
    add_custom_command(OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/gen
        COMMAND cu_embed ${PROJECT_SOURCE_DIR}/data/${rel} ${out} ${sym}
        DEPENDS cu_embed ${PROJECT_SOURCE_DIR}/data/${rel}
        COMMENT "Embedding data/${rel}" VERBATIM)
    target_sources(custody_lib PRIVATE ${out})
    set_source_files_properties(${out} PROPERTIES COMPILE_OPTIONS "-w")
endforeach()
