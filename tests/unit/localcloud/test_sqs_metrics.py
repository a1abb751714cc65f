"""AWS/SQS queue-depth metrics published from GetQueueAttributes (fake client)."""

from localcloud.sqs.metrics import QueueMetrics, depth_datapoints


def test_depth_datapoints_from_queue_attributes():
    attributes = {"ApproximateNumberOfMessages": "3", "ApproximateNumberOfMessagesNotVisible": "1"}
    assert depth_datapoints(attributes) == {
        "ApproximateNumberOfMessagesVisible": 3.0,
        "ApproximateNumberOfMessagesNotVisible": 1.0,
        "ApproximateNumberOfMessagesDelayed": 0.0,
    }


class _Sqs:
    def list_queues(self):
        return {"QueueUrls": ["http://127.0.0.1:4566/123456789012/stk-validation-failures"]}

    def get_queue_attributes(self, QueueUrl, AttributeNames):
        assert "ApproximateNumberOfMessages" in AttributeNames
        return {"Attributes": {"ApproximateNumberOfMessages": "2"}}


def test_one_datapoint_per_metric_and_queue():
    published = []
    metrics = QueueMetrics(lambda service: _Sqs(), lambda *args: published.append(args))
    assert metrics.publish() == 1
    dims = {"QueueName": "stk-validation-failures"}
    assert published == [
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", 2.0, "Count", dims),
        ("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", 0.0, "Count", dims),
        ("AWS/SQS", "ApproximateNumberOfMessagesDelayed", 0.0, "Count", dims),
    ]
