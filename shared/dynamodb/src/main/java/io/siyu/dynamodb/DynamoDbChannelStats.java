package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.num;
import static io.siyu.dynamodb.Items.s;

import io.siyu.core.channels.ChannelDay;
import io.siyu.core.channels.ChannelStatsReader;
import io.siyu.core.contacts.ChannelStat.Counter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads the ChannelStats table: one Query per channel and date range. */
public final class DynamoDbChannelStats implements ChannelStatsReader {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbChannelStats(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public List<ChannelDay> days(String corpId, String channel, LocalDate from, LocalDate to) {
        List<ChannelDay> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> page0 = start;
            var page = dynamoDb.query(b -> b.tableName(table)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                    .expressionAttributeValues(Map.of(":pk", s(corpId + "#" + channel), ":from", s(from.toString()), ":to", s(to.toString())))
                    .exclusiveStartKey(page0));
            for (Map<String, AttributeValue> i : page.items()) {
                out.add(new ChannelDay(LocalDate.parse(i.get("sk").s()), c(i, Counter.ADDS), c(i, Counter.NEW_CUSTOMERS),
                        c(i, Counter.RETURNING), c(i, Counter.LOST_BY_CUSTOMER), c(i, Counter.LOST_BY_STAFF), c(i, Counter.COHORT),
                        c(i, Counter.RETAINED_D1), c(i, Counter.RETAINED_D7), c(i, Counter.RETAINED_D30)));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private static long c(Map<String, AttributeValue> item, Counter counter) {
        return num(item, ChannelStatItems.attribute(counter), 0);
    }
}
