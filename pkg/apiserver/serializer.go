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

package apiserver

import (
	"k8s.io/apimachinery/pkg/runtime"
)

// jsonNegotiator offers every media type of the codec factory except
// protobuf. mlplane's types have protobuf tags but no generated protobuf
// code; advertising protobuf made the server pick it for clients that ask
// for it first (kube-controller-manager's namespace controller) and then
// fail to encode the response. Without it those clients fall back to JSON.
type jsonNegotiator struct {
	runtime.NegotiatedSerializer
}

func (n jsonNegotiator) SupportedMediaTypes() []runtime.SerializerInfo {
	all := n.NegotiatedSerializer.SupportedMediaTypes()
	out := make([]runtime.SerializerInfo, 0, len(all))
	for _, info := range all {
		if info.MediaType != runtime.ContentTypeProtobuf {
			out = append(out, info)
		}
	}
	return out
}
