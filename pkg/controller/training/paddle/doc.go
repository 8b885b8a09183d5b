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

// Package paddle is the PaddleJob adapter of the training engine: the
// Master and Worker replica types, the paddle container and its port named
// master, the environment of paddle.distributed.launch (PADDLE_*) in
// collective mode (workers only) and parameter-server mode (Master = PS),
// and Paddle's success and failure rules, each as training-operator v1.9.4
// has them.
package paddle
