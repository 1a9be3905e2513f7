// kafka-python over a secured Kafka listener: three records produced, then read back from the start and printed
// comma-separated. Arguments: bootstrap, topic, and a JSON object of the client settings (security_protocol,
// ssl_cafile, sasl_*), passed to both the producer and the consumer.
export const PY_ROUND_TRIP = String.raw`
import json, sys
from kafka import KafkaConsumer, KafkaProducer
bootstrap, topic, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
producer = KafkaProducer(bootstrap_servers=bootstrap, **settings)
for i in range(3):
    producer.send(topic, value=b'py-%d' % i)
producer.flush()
producer.close()
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset='earliest', consumer_timeout_ms=3000, **settings)
print(','.join(m.value.decode() for m in consumer))
consumer.close()
`;

