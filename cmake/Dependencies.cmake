# Every dependency is found the way Debian 12 ships it (see docs/dependencies.md).
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
