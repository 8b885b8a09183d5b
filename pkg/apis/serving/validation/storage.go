/*
Copyright The mlplane Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package validation

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// SupportedStorageURIPrefixes are the schemes KServe v0.20's storage
// initializer downloads from (SupportedStorageURIPrefixList in KServe's
// inferenceservice utils), in its order.
var SupportedStorageURIPrefixes = []string{
	"gs://", "s3://", "pvc://", "file://", "https://", "http://", "hdfs://", "webhdfs://", "oci://", "oci+native://", "hf://",
}

// pvcURIPrefix mounts a PersistentVolumeClaim: pvc://<claim>[/<path>].
const pvcURIPrefix = "pvc://"

var (
	// hasScheme is KServe's test for a URI as opposed to a local path; like
	// upstream's it is not anchored.
	hasScheme = regexp.MustCompile(`\w+?://`)
	// azureBlobURI is the one https:// form that is checked further, as upstream.
	azureBlobURI = regexp.MustCompile(`https://(.+?).blob.core.windows.net/(.+)`)
)

const azureBlobHost = "blob.core.windows.net"

// validateStorageURI applies KServe's storage URI rule (ValidateStorageURI):
// a local path, absolute or relative, is accepted; an Azure blob URL must
// name an account and a container; anything else must start with a
// supported scheme. mlplane also requires the claim name of pvc:// URIs,
// which KServe only discovers when the pod does not start. An empty URI is
// treated as unset, as upstream.
func validateStorageURI(uri string, fldPath *field.Path) field.ErrorList {
	switch {
	case uri == "" || !hasScheme.MatchString(uri):
		return nil
	case strings.Contains(uri, azureBlobHost):
		if azureBlobURI.MatchString(uri) {
			return nil
		}
	case strings.HasPrefix(uri, pvcURIPrefix):
		return validatePVCURI(uri, fldPath)
	default:
		for _, prefix := range SupportedStorageURIPrefixes {
			if strings.HasPrefix(uri, prefix) {
				return nil
			}
		}
	}
	return field.ErrorList{field.Invalid(fldPath, uri, fmt.Sprintf("must start with one of %s, be an Azure blob URL "+
		"https://<account>.blob.core.windows.net/<container>/<path>, or be a local path",
		strings.Join(SupportedStorageURIPrefixes, ", ")))}
}

func validatePVCURI(uri string, fldPath *field.Path) field.ErrorList {
	claim, _, _ := strings.Cut(strings.TrimPrefix(uri, pvcURIPrefix), "/")
	if claim == "" {
		return field.ErrorList{field.Invalid(fldPath, uri, "must name a PersistentVolumeClaim: pvc://<claim>[/<path>]")}
	}
	var allErrs field.ErrorList
	for _, msg := range utilvalidation.IsDNS1123Subdomain(claim) {
		allErrs = append(allErrs, field.Invalid(fldPath, uri, "claim name "+msg))
	}
	return allErrs
}

// storageSpecPrefixes are the storage types a storage spec (storage.key)
// supports (KServe's SupportedStorageSpecURIPrefixList).
var storageSpecPrefixes = []string{"s3://", "hdfs://", "webhdfs://"}

// validateStorageSpec is KServe's validateStorageSpec, which upstream
// applies to explainers: with a storage spec, a storage URI must be one of
// the storage spec types, and so must parameters.type.
func validateStorageSpec(spec *serving.ModelStorageSpec, storageURI string, fldPath *field.Path) field.ErrorList {
	if spec == nil {
		return nil
	}
	supported := func(uri string) bool {
		for _, prefix := range storageSpecPrefixes {
			if strings.HasPrefix(uri, prefix) {
				return true
			}
		}
		return false
	}
	if storageURI != "" {
		if supported(storageURI) {
			return nil
		}
		return field.ErrorList{field.Invalid(fldPath.Child("storageUri"), storageURI,
			"with storage, must start with one of "+strings.Join(storageSpecPrefixes, ", "))}
	}
	if spec.Parameters != nil {
		if typ, ok := (*spec.Parameters)["type"]; ok && !supported(typ+"://") {
			return field.ErrorList{field.NotSupported(fldPath.Child("storage", "parameters").Key("type"), typ,
				[]string{"s3", "hdfs", "webhdfs"})}
		}
	}
	return nil
}

// validateStorageURIs checks a component's storageUris as KServe's
// validateMultipleStorageURIs: they exclude a single storage URI; each needs
// a URI and an absolute mount path other than / without "..", PVC mount
// paths are distinct, and the other mount paths share a parent directory
// below /, which becomes the one download volume.
func validateStorageURIs(uris []serving.StorageURI, hasStorageURI bool, fldPath *field.Path) field.ErrorList {
	if len(uris) == 0 {
		return nil
	}
	var allErrs field.ErrorList
	if hasStorageURI {
		allErrs = append(allErrs, field.Forbidden(fldPath, "may not be set together with a storageUri"))
	}
	pvcPaths := map[string]bool{}
	var downloadPaths []string
	for i, u := range uris {
		p := fldPath.Index(i)
		if u.URI == "" {
			allErrs = append(allErrs, field.Required(p.Child("uri"), ""))
		} else {
			allErrs = append(allErrs, validateStorageURI(u.URI, p.Child("uri"))...)
		}
		mountPath := p.Child("mountPath")
		switch {
		case !strings.HasPrefix(u.MountPath, "/"):
			allErrs = append(allErrs, field.Invalid(mountPath, u.MountPath, "must be an absolute path"))
			continue
		case u.MountPath == "/":
			allErrs = append(allErrs, field.Invalid(mountPath, u.MountPath, "must not be the root directory"))
			continue
		case strings.Contains(u.MountPath, ".."):
			allErrs = append(allErrs, field.Invalid(mountPath, u.MountPath, "must not contain '..'"))
			continue
		}
		if strings.HasPrefix(u.URI, pvcURIPrefix) {
			if pvcPaths[u.MountPath] {
				allErrs = append(allErrs, field.Duplicate(mountPath, u.MountPath))
			}
			pvcPaths[u.MountPath] = true
		} else {
			downloadPaths = append(downloadPaths, u.MountPath)
		}
	}
	if len(downloadPaths) > 1 && commonParent(downloadPaths) == "/" {
		allErrs = append(allErrs, field.Invalid(fldPath, strings.Join(downloadPaths, ", "),
			"the mount paths of URIs other than pvc:// must share a parent directory other than /"))
	}
	return allErrs
}

// commonParent is the longest directory every path is in or equal to.
func commonParent(paths []string) string {
	common := strings.Split(path.Clean(paths[0]), "/")
	for _, p := range paths[1:] {
		parts := strings.Split(path.Clean(p), "/")
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	if joined := strings.Join(common, "/"); joined != "" {
		return joined
	}
	return "/"
}
