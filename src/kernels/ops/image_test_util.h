// Test-only helpers for the image kernels: synthetic images and independent encoders
// (straight libjpeg / libpng calls, no code under test), so decoders can be checked by
// round trips. Header-only; used by *_test.cc files in this directory.
#pragma once

#include <png.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

#include "tensor/tensor.h"

namespace savedserve::testing {

// A smooth colour gradient with a bright square: easy for JPEG, non-trivial for resampling.
inline std::vector<uint8_t> SyntheticImage(int height, int width, int channels) {
  std::vector<uint8_t> pixels(static_cast<size_t>(height) * width * channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const bool square = y > height / 4 && y < height / 2 && x > width / 4 && x < width / 2;
      for (int c = 0; c < channels; ++c) {
        int v = (c % 3 == 0)   ? x * 255 / std::max(1, width - 1)
                : (c % 3 == 1) ? y * 255 / std::max(1, height - 1)
                               : (x + y) * 255 / std::max(1, width + height - 2);
        if (c == 3) v = 255 - v / 2;  // alpha
        if (square && c < 3) v = 240;
        pixels[(static_cast<size_t>(y) * width + x) * channels + c] = static_cast<uint8_t>(v);
      }
    }
  }
  return pixels;
}

// Encodes 8-bit gray (1) or RGB (3) pixels as a baseline JPEG.
inline std::string EncodeJpegForTest(const std::vector<uint8_t>& pixels, int height, int width,
                                     int channels, int quality) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  if (quality >= 100) {
    for (int i = 0; i < cinfo.num_components; ++i) {  // no chroma subsampling
      cinfo.comp_info[i].h_samp_factor = 1;
      cinfo.comp_info[i].v_samp_factor = 1;
    }
  }
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels.data() + static_cast<size_t>(cinfo.next_scanline) *
                                                            width * channels);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buffer), size);
  std::free(buffer);
  return out;
}

inline void AppendPngBytes(png_structp png, png_bytep data, size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}

// Encodes pixels as PNG: `channels` 1..4 (gray, gray+alpha, RGB, RGBA), 8 or 16 bits per
// sample (16-bit samples given in native order), optionally Adam7-interlaced.
inline std::string EncodePngForTest(const void* pixels, int height, int width, int channels,
                                    int bits = 8, bool interlace = false) {
  static const int kColorTypes[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                    PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return "";
  }
  png_set_write_fn(png, &out, AppendPngBytes, nullptr);
  png_set_IHDR(png, info, width, height, bits, kColorTypes[channels - 1],
               interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  if (bits == 16) png_set_swap(png);
  const size_t row_bytes = static_cast<size_t>(width) * channels * bits / 8;
  std::vector<png_bytep> rows(height);
  for (int y = 0; y < height; ++y) {
    rows[y] = const_cast<png_bytep>(static_cast<const png_byte*>(pixels) + y * row_bytes);
  }
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

inline Tensor StringScalar(std::string value) {
  Tensor t(tensorflow::DT_STRING, TensorShape{});
  t.data<std::string>()[0] = std::move(value);
  return t;
}

}  // namespace savedserve::testing
