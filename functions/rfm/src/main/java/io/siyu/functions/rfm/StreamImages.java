package io.siyu.functions.rfm;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import io.siyu.dynamodb.OrderItems;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads an Orders stream record (the Lambda event's attribute model) into an {@link OrderChange},
 * through the same item mapper the writer uses.
 */
final class StreamImages {

    private StreamImages() {}

    static OrderChange change(DynamodbStreamRecord record) {
        var stream = record.getDynamodb();
        if (record.getEventID() == null || stream == null) {
            throw new IllegalArgumentException("stream record without id or body");
        }
        var oldImage = stream.getOldImage();
        var newImage = stream.getNewImage();
        if ((oldImage == null || oldImage.isEmpty()) && (newImage == null || newImage.isEmpty())) {
            throw new IllegalArgumentException("stream record " + record.getEventID() + " has no images (is the view NEW_AND_OLD_IMAGES?)");
        }
        return new OrderChange(record.getEventID(),
                oldImage == null || oldImage.isEmpty() ? null : OrderItems.order(toSdk(oldImage)),
                newImage == null || newImage.isEmpty() ? null : OrderItems.order(toSdk(newImage)));
    }

    static Map<String, AttributeValue> toSdk(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        Map<String, AttributeValue> out = new HashMap<>();
        image.forEach((k, v) -> out.put(k, toSdk(v)));
        return out;
    }

    private static AttributeValue toSdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(v.getSS());
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(v.getNS());
        }
        if (v.getBS() != null) {
            return AttributeValue.fromBs(v.getBS().stream().map(SdkBytes::fromByteBuffer).toList());
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(toSdk(v.getM()));
        }
        if (v.getL() != null) {
            List<AttributeValue> list = v.getL().stream().map(StreamImages::toSdk).toList();
            return AttributeValue.fromL(list);
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        return AttributeValue.fromNul(true);
    }
}
