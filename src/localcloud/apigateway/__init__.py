"""API Gateway (REST) invoke: `{endpoint}/restapis/{api_id}/{stage}/_user_request_/{path}`.

moto keeps the API definitions; this package serves requests to deployed stages as API Gateway
does (keys, usage plans, validation, MOCK and AWS_PROXY integrations, logs and metrics).
"""
