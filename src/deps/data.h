#ifndef CU_DEPS_DATA_H
#define CU_DEPS_DATA_H
/* Datasets embedded at build time from data/ (data/embed.cmake, tools/embed.c): each is the
 * text file without comment and blank lines, '\n'-terminated lines, followed by a NUL. */
#include <stddef.h>

extern const unsigned char cu_data_npm_popular[]; /* data/npm-popular/names.txt */
extern const size_t cu_data_npm_popular_len;
extern const unsigned char cu_data_pypi_popular[]; /* data/pypi-popular/names.txt */
extern const size_t cu_data_pypi_popular_len;
extern const unsigned char cu_data_mal_npm[]; /* data/malicious/npm.txt */
extern const size_t cu_data_mal_npm_len;
extern const unsigned char cu_data_mal_pypi[]; /* data/malicious/pypi.txt */
extern const size_t cu_data_mal_pypi_len;
extern const unsigned char cu_data_worm_npm[]; /* data/shai-hulud/npm.txt */
extern const size_t cu_data_worm_npm_len;
extern const unsigned char cu_data_worm_indicators[]; /* data/shai-hulud/indicators.txt */
extern const size_t cu_data_worm_indicators_len;

#endif
