/* VMAFX's drop-in libvmaf: feature options (libvmaf 3.x API). BSD-2-Clause-Patent. */
#ifndef __VMAF_FEATURE_H__
#define __VMAF_FEATURE_H__

#ifdef __cplusplus
extern "C" {
#endif

/* Options for one feature extractor, as key/value text. Opaque. */
typedef struct VmafFeatureDictionary VmafFeatureDictionary;

/* Sets key to val in *dict; a NULL *dict gets a new dictionary. 0 or -EINVAL. */
int vmaf_feature_dictionary_set(VmafFeatureDictionary **dict, const char *key,
                                const char *val);

/* Frees *dict (NULL is fine) and sets it to NULL. 0, or -EINVAL when dict is NULL. */
int vmaf_feature_dictionary_free(VmafFeatureDictionary **dict);

#ifdef __cplusplus
}
#endif

#endif /* __VMAF_FEATURE_H__ */
