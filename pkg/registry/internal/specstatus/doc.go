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

// Package specstatus is the strategy of every mlplane kind whose spec is
// written through the resource and whose status is written by a controller
// through the status subresource: generation moves with the spec, and each
// side keeps what the other owns. A kind contributes only a Kind: its scope,
// versions, spec and status accessors, validation and warnings; NewStore
// builds its store and status subresource from it, a resource's names and
// a table.
package specstatus
