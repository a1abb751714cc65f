"""SQS: moto keeps the queues; this package publishes their AWS/SQS queue-depth metrics."""
