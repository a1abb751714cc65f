"""Lambda runtime: runs deployed function packages in worker processes (moto needs Docker).

`runtime.LambdaRuntime` is the public object (published as `cloud.services["lambda"]`);
`plugin.py` wires the Invoke REST path to it.
"""
