/* thinc's BLAS signatures for spaCy's parser loop, without BLIS.
 *
 * spaCy's transition loop (NER and dependency parser) sums each state's precomputed
 * feature vectors (saxpy) and computes its scores with one small matrix product per
 * step (sgemm), both through thinc's CBlas, which defaults to BLIS. The BLIS wheel has
 * no kernels for some CPUs (AMD Zen 4 and 5 among them) and falls back to its
 * reference code there. thinc lets a caller plug other functions into a CBlas
 * (`set_saxpy`, `set_sgemm`), with its own argument orders: this module provides them,
 * the sgemm as an adapter to the cblas_sgemm of the OpenBLAS that numpy already
 * loaded, the saxpy as a plain loop the compiler vectorises. No Python is entered on
 * the hot path: the loop runs without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef void (*cblas_sgemm_lp64)(int, int, int, int32_t, int32_t, int32_t, float, const float *,
                                 int32_t, const float *, int32_t, float, float *, int32_t);
typedef void (*cblas_sgemm_ilp64)(int, int, int, int64_t, int64_t, int64_t, float, const float *,
                                  int64_t, const float *, int64_t, float, float *, int64_t);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static cblas_sgemm_lp64 target_lp64 = NULL;
static cblas_sgemm_ilp64 target_ilp64 = NULL;

/* thinc's sgemm_ptr: (bint transA, bint transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc),
 * row-major. */
static void thinc_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                        int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    int ta = trans_a ? TRANS : NO_TRANS, tb = trans_b ? TRANS : NO_TRANS;
    if (target_ilp64 != NULL)
        target_ilp64(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else
        target_lp64(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* thinc's saxpy_ptr: y += alpha * x over n elements with the given strides (BLAS
 * semantics: a negative stride walks the vector from its end). */
static void thinc_saxpy(int n, float alpha, const float *x, int incx, float *y, int incy) {
    if (n <= 0)
        return;
    if (incx == 1 && incy == 1) {
        for (int i = 0; i < n; i++)
            y[i] += alpha * x[i];
        return;
    }
    Py_ssize_t ix = incx < 0 ? (Py_ssize_t)(1 - n) * incx : 0;
    Py_ssize_t iy = incy < 0 ? (Py_ssize_t)(1 - n) * incy : 0;
    for (int i = 0; i < n; i++, ix += incx, iy += incy)
        y[iy] += alpha * x[ix];
}

static PyObject *sgemm(PyObject *self, PyObject *args) {
    unsigned long long address;
    int ilp64;
    if (!PyArg_ParseTuple(args, "Kp", &address, &ilp64))
        return NULL;
    if (address == 0) {
        PyErr_SetString(PyExc_ValueError, "cblas_sgemm address is NULL");
        return NULL;
    }
    if (ilp64) {
        target_ilp64 = (cblas_sgemm_ilp64)(uintptr_t)address;
        target_lp64 = NULL;
    } else {
        target_lp64 = (cblas_sgemm_lp64)(uintptr_t)address;
        target_ilp64 = NULL;
    }
    return PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)&thinc_sgemm);
}

static PyObject *saxpy(PyObject *self, PyObject *unused) {
    return PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)&thinc_saxpy);
}

static PyMethodDef methods[] = {
    {"sgemm", sgemm, METH_VARARGS,
     "sgemm(cblas_sgemm_address, ilp64) -> address of an sgemm with thinc's signature that "
     "calls it (one target per process)."},
    {"saxpy", saxpy, METH_NOARGS, "saxpy() -> address of a saxpy with thinc's signature."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blas", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blas(void) { return PyModule_Create(&module); }
