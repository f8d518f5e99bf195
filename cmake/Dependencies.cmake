# Every dependency is found the way Debian 12 ships it (scripts/deps.sh installs the packages).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(date REQUIRED)          # provides date::date-tz, linked to the OS tzdata
find_package(RocksDB REQUIRED)       # RocksDB::rocksdb (shared)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL REQUIRED)
# cpp-httplib 0.11.4 is a compiled library: link it through pkg-config so that its defines
# (OpenSSL, zlib, brotli) match the layout the library was built with.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++ rdkafka)
pkg_check_modules(LIBJWT REQUIRED IMPORTED_TARGET libjwt)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl)

if(DOCKET_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(DOCKET_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# The allocator the executables run on. Reading the log, projecting and serving allocate and free
# many small blocks per event (JSON trees, strings); gperftools' tcmalloc serves those from
# per-thread caches where glibc's malloc takes locks and consolidates free lists (bench/README.md
# has the figures). Libraries never name an allocator: only executables link `docket::malloc`.
# Sanitizer builds must use `system`: ASan replaces malloc itself.
set(DOCKET_MALLOC "tcmalloc" CACHE STRING "Allocator linked into executables: tcmalloc or system")
set_property(CACHE DOCKET_MALLOC PROPERTY STRINGS tcmalloc system)
add_library(docket_malloc INTERFACE)
add_library(docket::malloc ALIAS docket_malloc)
if(DOCKET_MALLOC STREQUAL "tcmalloc")
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
  # Nothing calls tcmalloc by name, so a linker that drops unreferenced libraries (--as-needed)
  # would drop it: keep it linked.
  target_link_libraries(docket_malloc INTERFACE
    "-Wl,--push-state,--no-as-needed" PkgConfig::TCMALLOC "-Wl,--pop-state")
elseif(NOT DOCKET_MALLOC STREQUAL "system")
  message(FATAL_ERROR "DOCKET_MALLOC must be tcmalloc or system, not '${DOCKET_MALLOC}'")
endif()
