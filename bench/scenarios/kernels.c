// SPDX-License-Identifier: GPL-2.0
/*
 * kernels.c - vector loops for the throughput scenario.  Blocks are
 * multiples of 8 bytes and aligned to their size; blocks below the vector
 * width take the 64-bit path.
 */
#include <immintrin.h>
#include <string.h>

#include "kernels.h"

static uint64_t fl_read_sse2(const void *p, size_t n)
{
	const __m128i *v = p;
	__m128i a = _mm_setzero_si128(), b = _mm_setzero_si128();
	const uint64_t *q = p;
	uint64_t r = 0;
	size_t i;

	if (n < 32) {
		for (i = 0; i < n / 8; i++)
			r ^= ((const volatile uint64_t *)q)[i];
		return r;
	}
	for (i = 0; i < n / 16; i += 2) {
		a = _mm_xor_si128(a, _mm_load_si128(v + i));
		b = _mm_xor_si128(b, _mm_load_si128(v + i + 1));
	}
	a = _mm_xor_si128(a, b);
	return (uint64_t)_mm_cvtsi128_si64(a) ^
	       (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a));
}

static void fl_write_sse2(void *p, size_t n, uint64_t val)
{
	__m128i x = _mm_set1_epi64x((long long)val), *v = p;
	size_t i;

	if (n < 16) {
		*(volatile uint64_t *)p = val;
		return;
	}
	for (i = 0; i < n / 16; i++)
		_mm_store_si128(v + i, x);
}

static void fl_write_nt_sse2(void *p, size_t n, uint64_t val)
{
	__m128i x = _mm_set1_epi64x((long long)val), *v = p;
	size_t i;

	if (n < 16) {
		_mm_stream_si64((long long *)p, (long long)val);
	} else {
		for (i = 0; i < n / 16; i++)
			_mm_stream_si128(v + i, x);
	}
	_mm_sfence();
}

static void fl_copy_nt_sse2(void *dst, const void *src, size_t n)
{
	const __m128i *s = src;
	__m128i *d = dst;
	size_t i;

	if (n < 16) {
		_mm_stream_si64((long long *)dst, *(const long long *)src);
	} else {
		for (i = 0; i < n / 16; i++)
			_mm_stream_si128(d + i, _mm_load_si128(s + i));
	}
	_mm_sfence();
}

__attribute__((target("avx2")))
static uint64_t fl_read_avx2(const void *p, size_t n)
{
	const __m256i *v = p;
	__m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
	__m128i x;
	size_t i;

	if (n < 64)
		return fl_read_sse2(p, n);
	/* 256 bytes per iteration: few branches, which emulators like too. */
	for (i = 0; i + 8 <= n / 32; i += 8) {
		a = _mm256_xor_si256(a, _mm256_load_si256(v + i));
		b = _mm256_xor_si256(b, _mm256_load_si256(v + i + 1));
		a = _mm256_xor_si256(a, _mm256_load_si256(v + i + 2));
		b = _mm256_xor_si256(b, _mm256_load_si256(v + i + 3));
		a = _mm256_xor_si256(a, _mm256_load_si256(v + i + 4));
		b = _mm256_xor_si256(b, _mm256_load_si256(v + i + 5));
		a = _mm256_xor_si256(a, _mm256_load_si256(v + i + 6));
		b = _mm256_xor_si256(b, _mm256_load_si256(v + i + 7));
	}
	for (; i < n / 32; i += 2) {
		a = _mm256_xor_si256(a, _mm256_load_si256(v + i));
		b = _mm256_xor_si256(b, _mm256_load_si256(v + i + 1));
	}
	a = _mm256_xor_si256(a, b);
	x = _mm_xor_si128(_mm256_castsi256_si128(a),
			  _mm256_extracti128_si256(a, 1));
	return (uint64_t)_mm_cvtsi128_si64(x) ^
	       (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(x, x));
}

__attribute__((target("avx2")))
static void fl_write_avx2(void *p, size_t n, uint64_t val)
{
	__m256i x = _mm256_set1_epi64x((long long)val), *v = p;
	size_t i;

	if (n < 32) {
		fl_write_sse2(p, n, val);
		return;
	}
	for (i = 0; i + 8 <= n / 32; i += 8) {
		_mm256_store_si256(v + i, x);
		_mm256_store_si256(v + i + 1, x);
		_mm256_store_si256(v + i + 2, x);
		_mm256_store_si256(v + i + 3, x);
		_mm256_store_si256(v + i + 4, x);
		_mm256_store_si256(v + i + 5, x);
		_mm256_store_si256(v + i + 6, x);
		_mm256_store_si256(v + i + 7, x);
	}
	for (; i < n / 32; i++)
		_mm256_store_si256(v + i, x);
}

__attribute__((target("avx2")))
static void fl_write_nt_avx2(void *p, size_t n, uint64_t val)
{
	__m256i x = _mm256_set1_epi64x((long long)val), *v = p;
	size_t i;

	if (n < 32) {
		fl_write_nt_sse2(p, n, val);
		return;
	}
	for (i = 0; i < n / 32; i++)
		_mm256_stream_si256(v + i, x);
	_mm_sfence();
}

__attribute__((target("avx2")))
static void fl_copy_nt_avx2(void *dst, const void *src, size_t n)
{
	const __m256i *s = src;
	__m256i *d = dst;
	size_t i;

	if (n < 32) {
		fl_copy_nt_sse2(dst, src, n);
		return;
	}
	for (i = 0; i < n / 32; i++)
		_mm256_stream_si256(d + i, _mm256_load_si256(s + i));
	_mm_sfence();
}

void fl_kernels_pick(struct fl_kernels *k)
{
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2")) {
		k->isa = "avx2";
		k->read = fl_read_avx2;
		k->write = fl_write_avx2;
		k->write_nt = fl_write_nt_avx2;
		k->copy_nt = fl_copy_nt_avx2;
	} else {
		k->isa = "sse2";
		k->read = fl_read_sse2;
		k->write = fl_write_sse2;
		k->write_nt = fl_write_nt_sse2;
		k->copy_nt = fl_copy_nt_sse2;
	}
}
