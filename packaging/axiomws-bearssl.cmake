# axiomws-bearssl.cmake - finds BearSSL for axiomws's CMake target. Included by the
# top-level CMakeLists.txt (add_subdirectory use) and by the installed axiomws-config.cmake
# (find_package use), so both look in the same places and fail with the same message.
#
# BearSSL ships neither a CMake package nor a pkg-config file (Debian's libbearssl-dev has
# only bearssl.h and libbearssl.{so,a}), hence find_path/find_library. Set BEARSSL_INCLUDE_DIR
# and BEARSSL_LIBRARY (cache variables) to use another copy.
#
# Sets AXIOMWS_BEARSSL_FOUND, and AXIOMWS_BEARSSL_MESSAGE when it is false.
find_path(BEARSSL_INCLUDE_DIR bearssl.h DOC "directory holding bearssl.h")
find_library(BEARSSL_LIBRARY bearssl DOC "the BearSSL library (libbearssl)")
mark_as_advanced(BEARSSL_INCLUDE_DIR BEARSSL_LIBRARY)
if(BEARSSL_INCLUDE_DIR AND BEARSSL_LIBRARY)
  set(AXIOMWS_BEARSSL_FOUND TRUE)
  unset(AXIOMWS_BEARSSL_MESSAGE)
else()
  set(AXIOMWS_BEARSSL_FOUND FALSE)
  string(CONCAT AXIOMWS_BEARSSL_MESSAGE
    "axiomws needs BearSSL, which was not found (bearssl.h: ${BEARSSL_INCLUDE_DIR}, "
    "libbearssl: ${BEARSSL_LIBRARY}). Install it (Debian/Ubuntu: apt-get install "
    "libbearssl-dev) or point BEARSSL_INCLUDE_DIR and BEARSSL_LIBRARY at a copy.")
endif()
