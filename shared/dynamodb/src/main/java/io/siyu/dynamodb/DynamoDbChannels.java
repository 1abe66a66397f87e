package io.siyu.dynamodb;

import static io.siyu.dynamodb.Items.s;

import io.siyu.core.channels.Channel;
import io.siyu.core.channels.ChannelRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@link ChannelRepository} on the Channels table. */
public final class DynamoDbChannels implements ChannelRepository {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbChannels(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Optional<Channel> get(String corpId, String channelId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of(ChannelItems.PK, s(corpId), ChannelItems.SK, s(channelId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ChannelItems.channel(item));
    }

    @Override
    public List<Channel> list(String corpId) {
        List<Channel> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.query(b -> b.tableName(table).keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", ChannelItems.PK))
                    .expressionAttributeValues(Map.of(":pk", s(corpId))).exclusiveStartKey(from));
            page.items().forEach(i -> out.add(ChannelItems.channel(i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        out.sort(Comparator.comparing(Channel::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    @Override
    public boolean create(Channel channel) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(ChannelItems.item(channel))
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", ChannelItems.PK)));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    @Override
    public void save(Channel channel) {
        dynamoDb.putItem(b -> b.tableName(table).item(ChannelItems.item(channel)));
    }

    @Override
    public void delete(String corpId, String channelId) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of(ChannelItems.PK, s(corpId), ChannelItems.SK, s(channelId))));
    }
}
