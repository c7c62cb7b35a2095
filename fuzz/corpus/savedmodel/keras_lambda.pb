
xroot.layer-0"_tf_keras_layer*Q{"name": "dense", "class_name": "Dense", "config": {"name": "dense", "units": 2}}2
Ároot.layer-1"_tf_keras_layer*™{"name": "lambda", "class_name": "Lambda", "config": {"name": "lambda", "function": ["4wEAAAAAAAAAAAAAAAEAAAAC", null, null], "function_type": "lambda"}}2