# CUSTODY_STATIC_DEPS (the release preset): link the static archive each Debian -dev package
# ships (lib<name>.a) instead of its shared library. The binary then maps no third-party
# shared object but libc's, and starts in about 1 ms instead of 3.5-5 ms: libarchive alone
# drags libxml2, ICU and libstdc++ in at run time, and dynamic relocation of OpenSSL,
# SQLite and those costs more than a scan of a small model file (bench/RESULTS.md). Only
# the archive members the code references are linked: no XML or ICU code ends up in it.
#
# The names come from `pkg-config --static`, in its order. A name with no archive falls back
# to its shared library (the -dev symlink, else the runtime lib<name>.so.N: libarchive-dev
# does not depend on every -dev package its .pc names), linked --as-needed so that one the
# code never references (libxml2: only the XAR reader uses it) adds no run-time dependency.
# The archives are one link group, so their order does not matter.
set(_cu_names)
foreach(_m OPENSSL ZLIB LIBARCHIVE LZMA LZ4 JANSSON YAML SQLITE)
    foreach(_flag IN LISTS ${_m}_STATIC_LDFLAGS)
        if(_flag MATCHES "^-l(.+)$")
            list(APPEND _cu_names ${CMAKE_MATCH_1})
        endif()
    endforeach()
endforeach()
list(APPEND _cu_names bz2)
list(REMOVE_DUPLICATES _cu_names)
# libssl is not used; libdl, libpthread and libm are libc's.
list(REMOVE_ITEM _cu_names ssl dl pthread m)

set(_cu_libdirs ${CMAKE_C_IMPLICIT_LINK_DIRECTORIES})
if(CMAKE_LIBRARY_ARCHITECTURE)
    list(APPEND _cu_libdirs /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE} /lib/${CMAKE_LIBRARY_ARCHITECTURE})
endif()
list(APPEND _cu_libdirs /usr/lib /lib)

set(_cu_archives)
set(_cu_shared)
foreach(_n IN LISTS _cu_names)
    find_library(CUSTODY_STATIC_${_n} NAMES lib${_n}.a NO_CACHE)
    if(CUSTODY_STATIC_${_n})
        list(APPEND _cu_archives ${CUSTODY_STATIC_${_n}})
        continue()
    endif()
    set(_so)
    foreach(_d IN LISTS _cu_libdirs)
        file(GLOB _cand "${_d}/lib${_n}.so" "${_d}/lib${_n}.so.[0-9]*")
        if(_cand)
            list(SORT _cand)
            list(GET _cand 0 _so)
            break()
        endif()
    endforeach()
    if(_so)
        message(STATUS "custody: no static lib${_n}.a; linking ${_so} as needed")
        list(APPEND _cu_shared ${_so})
    else()
        message(STATUS "custody: lib${_n} not found; left out (the link fails if the code needs it)")
    endif()
endforeach()

add_library(custody_static_deps INTERFACE)
target_include_directories(custody_static_deps INTERFACE
    ${OPENSSL_INCLUDE_DIRS} ${ZLIB_INCLUDE_DIRS} ${LIBARCHIVE_INCLUDE_DIRS} ${LZMA_INCLUDE_DIRS}
    ${LZ4_INCLUDE_DIRS} ${JANSSON_INCLUDE_DIRS} ${YAML_INCLUDE_DIRS} ${SQLITE_INCLUDE_DIRS})
target_link_libraries(custody_static_deps INTERFACE "$<LINK_GROUP:RESCAN,${_cu_archives}>")
if(_cu_shared)
    target_link_libraries(custody_static_deps INTERFACE
        "-Wl,--push-state,--as-needed" ${_cu_shared} "-Wl,--pop-state")
endif()
target_link_libraries(custody_static_deps INTERFACE m ${CMAKE_DL_LIBS})
