# axiomws-config.cmake - lets find_package(axiomws CONFIG) find an installed axiomws.
# Installed as it is, by `make install` or `cmake --install`, in PREFIX/lib/cmake/axiomws/.
#
# Defines the INTERFACE target axiomws::axiomws: the directory holding axiomws.h, and
# BearSSL, looked up now, on the machine that uses the package (axiomws-bearssl.cmake).
# Link it and compile the implementation in one .c file of your own:
#     find_package(axiomws CONFIG REQUIRED)
#     target_link_libraries(app PRIVATE axiomws::axiomws)
#
# PREFIX is computed from this file's own place (PREFIX/lib/cmake/axiomws/, fixed, like
# PREFIX/include/), so a tree staged with DESTDIR or moved elsewhere works as it is. When
# the file was reached through a symbolic link that changes the prefix (/lib -> usr/lib on
# a merged-/usr system, a stow-style link of the directory), the header is not beside the
# path as seen: then the prefix comes from the file's real place.
get_filename_component(_axiomws_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT EXISTS "${_axiomws_prefix}/include/axiomws.h")
  get_filename_component(_axiomws_prefix "${CMAKE_CURRENT_LIST_FILE}" REALPATH)
  get_filename_component(_axiomws_prefix "${_axiomws_prefix}/../../../.." ABSOLUTE)
endif()

include("${CMAKE_CURRENT_LIST_DIR}/axiomws-bearssl.cmake")
if(NOT AXIOMWS_BEARSSL_FOUND)
  # find_package() prints this and fails when REQUIRED; otherwise axiomws_FOUND is false
  set(axiomws_FOUND FALSE)
  set(axiomws_NOT_FOUND_MESSAGE "${AXIOMWS_BEARSSL_MESSAGE}")
  unset(_axiomws_prefix)
  return()
endif()

# a second find_package() in the same directory (or a parent's add_subdirectory) made it
if(NOT TARGET axiomws::axiomws)
  add_library(axiomws::axiomws INTERFACE IMPORTED)
  set_target_properties(axiomws::axiomws PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_axiomws_prefix}/include;${BEARSSL_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${BEARSSL_LIBRARY}")
endif()
unset(_axiomws_prefix)
