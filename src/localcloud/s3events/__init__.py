"""S3 → Lambda notifications: moto records LambdaFunctionConfigurations but cannot invoke
(it needs Docker); this package observes object writes and deletes and invokes the functions
asynchronously through the local Lambda runtime with the exact S3 event record."""
