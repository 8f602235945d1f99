/**
 * Help text of the commands and their parameters: the documentation strings of the botocore
 * models (kinesisvideo, kinesis-video-media, kinesis-video-archived-media 2017-09-30, as shipped
 * with botocore 1.43, Apache-2.0) converted from HTML to plain text once, so `kvideo <command>
 * help` reads like `aws <service> <command> help` without needing botocore at run time.
 * Keys: operation name; `<StructureShape>.<Member>` for parameters and output members.
 */
export const OPERATION_DOCS: Record<string, string> = {
  CreateStream:
    "Creates a new Kinesis video stream.\n\nWhen you create a new stream, Kinesis Video Streams assigns it a version number. When you change the stream's metadata, Kinesis Video Streams updates the version.\n\nCreateStream is an asynchronous operation.\n\nFor information about how the service works, see How it Works.\n\nYou must have permissions for the KinesisVideo:CreateStream action.",
  DescribeStream:
    'Returns the most current information about the specified stream. You must specify either the StreamName or the StreamARN.',
  ListStreams:
    'Returns an array of StreamInfo objects. Each object describes a stream. To retrieve only streams that satisfy a specific condition, you can specify a StreamNameCondition.',
  DeleteStream:
    'Deletes a Kinesis video stream and the data contained in the stream.\n\nThis method marks the stream for deletion, and makes the data in the stream inaccessible immediately.\n\nTo ensure that you have the latest version of the stream before deleting it, you can specify the stream version. Kinesis Video Streams assigns a version to each stream. When you update a stream, Kinesis Video Streams assigns a new version number. To get the latest stream version, use the DescribeStream API.\n\nThis operation requires permission for the KinesisVideo:DeleteStream action.',
  GetDataEndpoint:
    'Gets an endpoint for a specified stream for either reading or writing. Use this endpoint in your application to read from the specified stream (using the GetMedia or GetMediaForFragmentList operations) or write to it (using the PutMedia operation).\n\nThe returned endpoint does not have the API name appended. The client needs to add the API name to the returned endpoint.\n\nIn the request, specify the stream either by StreamName or StreamARN.',
  UpdateDataRetention:
    "Increases or decreases the stream's data retention period by the value that you specify. To indicate whether you want to increase or decrease the data retention period, specify the Operation parameter in the request body. In the request, you must specify either the StreamName or the StreamARN.\n\nThis operation requires permission for the KinesisVideo:UpdateDataRetention action.\n\nChanging the data retention period affects the data in the stream as follows:\n\n* If the data retention period is increased, existing data is retained for the new retention period. For example, if the data retention period is increased from one hour to seven hours, all existing data is retained for seven hours.\n\n* If the data retention period is decreased, existing data is retained for the new retention period. For example, if the data retention period is decreased from seven hours to one hour, all existing data is retained for one hour, and any data older than one hour is deleted immediately.",
  GetMedia:
    'Use this API to retrieve media content from a Kinesis video stream. In the request, you identify the stream name or stream Amazon Resource Name (ARN), and the starting chunk. Kinesis Video Streams then returns a stream of chunks in order by fragment number.\n\nYou must first call the GetDataEndpoint API to get an endpoint. Then send the GetMedia requests to this endpoint using the --endpoint-url parameter.\n\nWhen you put media data (fragments) on a stream, Kinesis Video Streams stores each incoming fragment and related metadata in what is called a "chunk." For more information, see PutMedia. The GetMedia API returns a stream of these chunks starting from the chunk that you specify in the request.\n\nThe following limits apply when using the GetMedia API:\n\n* A client can call GetMedia up to five times per second per stream.\n\n* Kinesis Video Streams sends media data at a rate of up to 25 megabytes per second (or 200 megabits per second) during a GetMedia session.\n\nIf an error is thrown after invoking a Kinesis Video Streams media API, in addition to the HTTP status code and the response body, it includes the following pieces of information:\n\n* x-amz-ErrorType HTTP header – contains a more specific error type in addition to what the HTTP status code provides.\n\n* x-amz-RequestId HTTP header – if you want to report an issue to AWS, the support team can better diagnose the problem if given the Request Id.\n\nBoth the HTTP status code and the ErrorType header can be utilized to make programmatic decisions about whether errors are retry-able and under what conditions, as well as provide information on what actions the client programmer might need to take in order to successfully try again.\n\nFor more information, see the Errors section at the bottom of this topic, as well as Common Errors.',
  ListFragments:
    'Returns a list of Fragment objects from the specified stream and timestamp range within the archived data.\n\nListing fragments is eventually consistent. This means that even if the producer receives an acknowledgment that a fragment is persisted, the result might not be returned immediately from a request to ListFragments. However, results are typically available in less than one second.\n\nYou must first call the GetDataEndpoint API to get an endpoint. Then send the ListFragments requests to this endpoint using the --endpoint-url parameter.\n\nIf an error is thrown after invoking a Kinesis Video Streams archived media API, in addition to the HTTP status code and the response body, it includes the following pieces of information:\n\n* x-amz-ErrorType HTTP header – contains a more specific error type in addition to what the HTTP status code provides.\n\n* x-amz-RequestId HTTP header – if you want to report an issue to Amazon Web Services, the support team can better diagnose the problem if given the Request Id.\n\nBoth the HTTP status code and the ErrorType header can be utilized to make programmatic decisions about whether errors are retry-able and under what conditions, as well as provide information on what actions the client programmer might need to take in order to successfully try again.\n\nFor more information, see the Errors section at the bottom of this topic, as well as Common Errors.',
  GetMediaForFragmentList:
    'Gets media for a list of fragments (specified by fragment number) from the archived data in an Amazon Kinesis video stream.\n\nYou must first call the GetDataEndpoint API to get an endpoint. Then send the GetMediaForFragmentList requests to this endpoint using the --endpoint-url parameter.\n\nFor limits, see Kinesis Video Streams Limits.\n\nIf an error is thrown after invoking a Kinesis Video Streams archived media API, in addition to the HTTP status code and the response body, it includes the following pieces of information:\n\n* x-amz-ErrorType HTTP header – contains a more specific error type in addition to what the HTTP status code provides.\n\n* x-amz-RequestId HTTP header – if you want to report an issue to Amazon Web Services, the support team can better diagnose the problem if given the Request Id.\n\nBoth the HTTP status code and the ErrorType header can be utilized to make programmatic decisions about whether errors are retry-able and under what conditions, as well as provide information on what actions the client programmer might need to take in order to successfully try again.\n\nFor more information, see the Errors section at the bottom of this topic, as well as Common Errors.',
  GetImages:
    'Retrieves a list of images corresponding to each timestamp for a given time range, sampling interval, and image format configuration.',
};

export const MEMBER_DOCS: Record<string, string> = {
  'CreateStreamInput.DeviceName':
    "The name of the device that is writing to the stream.\n\nIn the current implementation, Kinesis Video Streams doesn't use this name.",
  'CreateStreamInput.StreamName':
    'A name for the stream that you are creating.\n\nThe stream name is an identifier for the stream, and must be unique for each account and region.',
  'CreateStreamInput.MediaType':
    'The media type of the stream. Consumers of the stream can use this information when processing the stream. For more information about media types, see Media Types. If you choose to specify the MediaType, see Naming Requirements for guidelines.\n\nExample valid values include "video/h264" and "video/h264,audio/aac".\n\nThis parameter is optional; the default value is null (or empty in JSON).',
  'CreateStreamInput.KmsKeyId':
    'The ID of the Key Management Service (KMS) key that you want Kinesis Video Streams to use to encrypt stream data.\n\nIf no key ID is specified, the default, Kinesis Video-managed key (aws/kinesisvideo) is used.\n\nFor more information, see DescribeKey.',
  'CreateStreamInput.DataRetentionInHours':
    'The number of hours that you want to retain the data in the stream. Kinesis Video Streams retains the data in a data store that is associated with the stream.\n\nThe default value is 0, indicating that the stream does not persist data. The minimum is 1 hour.\n\nWhen the DataRetentionInHours value is 0, consumers can still consume the fragments that remain in the service host buffer, which has a retention time limit of 5 minutes and a retention memory limit of 200 MB. Fragments are removed from the buffer when either limit is reached.',
  'CreateStreamInput.Tags':
    'A list of tags to associate with the specified stream. Each tag is a key-value pair (the value is optional).',
  'CreateStreamInput.StreamStorageConfiguration':
    "The configuration for the stream's storage, including the default storage tier for stream data. This configuration determines how stream data is stored and accessed, with different tiers offering varying levels of performance and cost optimization.\n\nIf not specified, the stream will use the default storage configuration with HOT tier for optimal performance.",
  'StreamStorageConfiguration.DefaultStorageTier':
    'The default storage tier for the stream data. This setting determines the storage class used for stream data, affecting both performance characteristics and storage costs.\n\nAvailable storage tiers:\n\n* HOT - Optimized for frequent access with the lowest latency and highest performance. Ideal for real-time applications and frequently accessed data.\n\n* WARM - Balanced performance and cost for moderately accessed data. Suitable for data that is accessed regularly but not continuously.',
  'CreateStreamOutput.StreamARN': 'The Amazon Resource Name (ARN) of the stream.',
  'DescribeStreamInput.StreamName': 'The name of the stream.',
  'DescribeStreamInput.StreamARN': 'The Amazon Resource Name (ARN) of the stream.',
  'DescribeStreamOutput.StreamInfo': 'An object that describes the stream.',
  'StreamInfo.DeviceName': 'The name of the device that is associated with the stream.',
  'StreamInfo.StreamName': 'The name of the stream.',
  'StreamInfo.StreamARN': 'The Amazon Resource Name (ARN) of the stream.',
  'StreamInfo.MediaType': 'The MediaType of the stream.',
  'StreamInfo.KmsKeyId':
    'The ID of the Key Management Service (KMS) key that Kinesis Video Streams uses to encrypt data on the stream.',
  'StreamInfo.Version': 'The version of the stream.',
  'StreamInfo.Status': 'The status of the stream.',
  'StreamInfo.CreationTime': 'A time stamp that indicates when the stream was created.',
  'StreamInfo.DataRetentionInHours': 'How long the stream retains data, in hours.',
  'ListStreamsInput.MaxResults':
    'The maximum number of streams to return in the response. The default is 10,000.',
  'ListStreamsInput.NextToken':
    'If you specify this parameter, when the result of a ListStreams operation is truncated, the call returns the NextToken in the response. To get another batch of streams, provide this token in your next request.',
  'ListStreamsInput.StreamNameCondition':
    'Optional: Returns only streams that satisfy a specific condition. Currently, you can specify only the prefix of a stream name as a condition.',
  'StreamNameCondition.ComparisonOperator':
    'A comparison operator. Currently, you can specify only the BEGINS_WITH operator, which finds streams whose names start with a given prefix.',
  'StreamNameCondition.ComparisonValue': 'A value to compare.',
  'ListStreamsOutput.StreamInfoList': 'An array of StreamInfo objects.',
  'ListStreamsOutput.NextToken':
    'If the response is truncated, the call returns this element with a token. To get the next batch of streams, use this token in your next request.',
  'DeleteStreamInput.StreamARN': 'The Amazon Resource Name (ARN) of the stream that you want to delete.',
  'DeleteStreamInput.CurrentVersion':
    'Optional: The version of the stream that you want to delete.\n\nSpecify the version as a safeguard to ensure that your are deleting the correct stream. To get the stream version, use the DescribeStream API.\n\nIf not specified, only the CreationTime is checked before deleting the stream.',
  'GetDataEndpointInput.StreamName':
    'The name of the stream that you want to get the endpoint for. You must specify either this parameter or a StreamARN in the request.',
  'GetDataEndpointInput.StreamARN':
    'The Amazon Resource Name (ARN) of the stream that you want to get the endpoint for. You must specify either this parameter or a StreamName in the request.',
  'GetDataEndpointInput.APIName': 'The name of the API action for which to get an endpoint.',
  'GetDataEndpointOutput.DataEndpoint':
    'The endpoint value. To read data from the stream or to write data to it, specify this endpoint in your application.',
  'UpdateDataRetentionInput.StreamName': 'The name of the stream whose retention period you want to change.',
  'UpdateDataRetentionInput.StreamARN':
    'The Amazon Resource Name (ARN) of the stream whose retention period you want to change.',
  'UpdateDataRetentionInput.CurrentVersion':
    'The version of the stream whose retention period you want to change. To get the version, call either the DescribeStream or the ListStreams API.',
  'UpdateDataRetentionInput.Operation':
    'Indicates whether you want to increase or decrease the retention period.',
  'UpdateDataRetentionInput.DataRetentionChangeInHours':
    'The number of hours to adjust the current retention by. The value you specify is added to or subtracted from the current value, depending on the operation.\n\nThe minimum value for data retention is 0 and the maximum value is 87600 (ten years).',
  'GetMediaInput.StreamName':
    "The Kinesis video stream name from where you want to get the media content. If you don't specify the streamName, you must specify the streamARN.",
  'GetMediaInput.StreamARN':
    "The ARN of the stream from where you want to get the media content. If you don't specify the streamARN, you must specify the streamName.",
  'GetMediaInput.StartSelector': 'Identifies the starting chunk to get from the specified stream.',
  'StartSelector.StartSelectorType':
    "Identifies the fragment on the Kinesis video stream where you want to start getting the data from.\n\n* NOW - Start with the latest chunk on the stream.\n\n* EARLIEST - Start with earliest available chunk on the stream.\n\n* FRAGMENT_NUMBER - Start with the chunk after a specific fragment. You must also specify the AfterFragmentNumber parameter.\n\n* PRODUCER_TIMESTAMP or SERVER_TIMESTAMP - Start with the chunk containing a fragment with the specified producer or server timestamp. You specify the timestamp by adding StartTimestamp.\n\n* CONTINUATION_TOKEN - Read using the specified continuation token.\n\nIf you choose the NOW, EARLIEST, or CONTINUATION_TOKEN as the startSelectorType, you don't provide any additional information in the startSelector.",
  'StartSelector.AfterFragmentNumber':
    'Specifies the fragment number from where you want the GetMedia API to start returning the fragments.',
  'StartSelector.StartTimestamp':
    'A timestamp value. This value is required if you choose the PRODUCER_TIMESTAMP or the SERVER_TIMESTAMP as the startSelectorType. The GetMedia API then starts with the chunk containing the fragment that has the specified timestamp.',
  'StartSelector.ContinuationToken':
    'Continuation token that Kinesis Video Streams returned in the previous GetMedia response. The GetMedia API then starts with the chunk identified by the continuation token.',
  'GetMediaOutput.ContentType': 'The content type of the requested media.',
  'GetMediaOutput.Payload':
    "The payload Kinesis Video Streams returns is a sequence of chunks from the specified stream. For information about the chunks, see . The chunks that Kinesis Video Streams returns in the GetMedia call also include the following additional Matroska (MKV) tags:\n\n* AWS_KINESISVIDEO_CONTINUATION_TOKEN (UTF-8 string) - In the event your GetMedia call terminates, you can use this continuation token in your next request to get the next chunk where the last request terminated.\n\n* AWS_KINESISVIDEO_MILLIS_BEHIND_NOW (UTF-8 string) - Client applications can use this tag value to determine how far behind the chunk returned in the response is from the latest chunk on the stream.\n\n* AWS_KINESISVIDEO_FRAGMENT_NUMBER - Fragment number returned in the chunk.\n\n* AWS_KINESISVIDEO_SERVER_TIMESTAMP - Server timestamp of the fragment.\n\n* AWS_KINESISVIDEO_PRODUCER_TIMESTAMP - Producer timestamp of the fragment.\n\nThe following tags will be present if an error occurs:\n\n* AWS_KINESISVIDEO_ERROR_CODE - String description of an error that caused GetMedia to stop.\n\n* AWS_KINESISVIDEO_ERROR_ID: Integer code of the error.\n\nThe error codes are as follows:\n\n* 3002 - Error writing to the stream\n\n* 4000 - Requested fragment is not found\n\n* 4500 - Access denied for the stream's KMS key\n\n* 4501 - Stream's KMS key is disabled\n\n* 4502 - Validation error on the stream's KMS key\n\n* 4503 - KMS key specified in the stream is unavailable\n\n* 4504 - Invalid usage of the KMS key specified in the stream\n\n* 4505 - Invalid state of the KMS key specified in the stream\n\n* 4506 - Unable to find the KMS key specified in the stream\n\n* 5000 - Internal error",
  'ListFragmentsInput.StreamName':
    'The name of the stream from which to retrieve a fragment list. Specify either this parameter or the StreamARN parameter.',
  'ListFragmentsInput.StreamARN':
    'The Amazon Resource Name (ARN) of the stream from which to retrieve a fragment list. Specify either this parameter or the StreamName parameter.',
  'ListFragmentsInput.MaxResults':
    'The total number of fragments to return. If the total number of fragments available is more than the value specified in max-results, then a ListFragmentsOutput$NextToken is provided in the output that you can use to resume pagination.',
  'ListFragmentsInput.NextToken':
    'A token to specify where to start paginating. This is the ListFragmentsOutput$NextToken from a previously truncated response.',
  'ListFragmentsInput.FragmentSelector':
    "Describes the timestamp range and timestamp origin for the range of fragments to return.\n\nThis is only required when the NextToken isn't passed in the API.",
  'FragmentSelector.FragmentSelectorType': 'The origin of the timestamps to use (Server or Producer).',
  'FragmentSelector.TimestampRange': 'The range of timestamps to return.',
  'TimestampRange.StartTimestamp':
    'The starting timestamp in the range of timestamps for which to return fragments.',
  'TimestampRange.EndTimestamp':
    'The ending timestamp in the range of timestamps for which to return fragments.',
  'ListFragmentsOutput.Fragments':
    'A list of archived Fragment objects from the stream that meet the selector criteria. Results are in no specific order, even across pages.',
  'Fragment.FragmentNumber':
    'The unique identifier of the fragment. This value monotonically increases based on the ingestion order.',
  'Fragment.FragmentSizeInBytes':
    'The total fragment size, including information about the fragment and contained media data.',
  'Fragment.ProducerTimestamp': 'The timestamp from the producer corresponding to the fragment.',
  'Fragment.ServerTimestamp':
    'The timestamp from the Amazon Web Services server corresponding to the fragment.',
  'Fragment.FragmentLengthInMilliseconds':
    'The playback duration or other time value associated with the fragment.',
  'ListFragmentsOutput.NextToken':
    'If the returned list is truncated, the operation returns this token to use to retrieve the next page of results. This value is null when there are no more results to return.',
  'GetMediaForFragmentListInput.StreamName':
    'The name of the stream from which to retrieve fragment media. Specify either this parameter or the StreamARN parameter.',
  'GetMediaForFragmentListInput.StreamARN':
    'The Amazon Resource Name (ARN) of the stream from which to retrieve fragment media. Specify either this parameter or the StreamName parameter.',
  'GetMediaForFragmentListInput.Fragments':
    'A list of the numbers of fragments for which to retrieve media. You retrieve these values with ListFragments.',
  'GetMediaForFragmentListOutput.ContentType': 'The content type of the requested media.',
  'GetMediaForFragmentListOutput.Payload':
    'The payload that Kinesis Video Streams returns is a sequence of chunks from the specified stream. For information about the chunks, see PutMedia. The chunks that Kinesis Video Streams returns in the GetMediaForFragmentList call also include the following additional Matroska (MKV) tags:\n\n* AWS_KINESISVIDEO_FRAGMENT_NUMBER - Fragment number returned in the chunk.\n\n* AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP - Server-side timestamp of the fragment.\n\n* AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP - Producer-side timestamp of the fragment.\n\nThe following tags will be included if an exception occurs:\n\n* AWS_KINESISVIDEO_FRAGMENT_NUMBER - The number of the fragment that threw the exception\n\n* AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE - The integer code of the\n\n* AWS_KINESISVIDEO_EXCEPTION_MESSAGE - A text description of the exception',
  'GetImagesInput.StreamName':
    'The name of the stream from which to retrieve the images. You must specify either the StreamName or the StreamARN.',
  'GetImagesInput.StreamARN':
    'The Amazon Resource Name (ARN) of the stream from which to retrieve the images. You must specify either the StreamName or the StreamARN.',
  'GetImagesInput.ImageSelectorType':
    'The origin of the Server or Producer timestamps to use to generate the images.',
  'GetImagesInput.StartTimestamp':
    'The starting point from which the images should be generated. This StartTimestamp must be within an inclusive range of timestamps for an image to be returned.',
  'GetImagesInput.EndTimestamp':
    'The end timestamp for the range of images to be generated. If the time range between StartTimestamp and EndTimestamp is more than 300 seconds above StartTimestamp, you will receive an IllegalArgumentException.',
  'GetImagesInput.SamplingInterval':
    'The time interval in milliseconds (ms) at which the images need to be generated from the stream. The minimum value that can be provided is 200 ms (5 images per second). If the timestamp range is less than the sampling interval, the image from the startTimestamp will be returned if available.',
  'GetImagesInput.Format': 'The format that will be used to encode the image.',
  'GetImagesInput.FormatConfig':
    'The list of a key-value pair structure that contains extra parameters that can be applied when the image is generated. The FormatConfig key is the JPEGQuality, which indicates the JPEG quality key to be used to generate the image. The FormatConfig value accepts ints from 1 to 100. If the value is 1, the image will be generated with less quality and the best compression. If the value is 100, the image will be generated with the best quality and less compression. If no value is provided, the default value of the JPEGQuality key will be set to 80.',
  'GetImagesInput.WidthPixels':
    'The width of the output image that is used in conjunction with the HeightPixels parameter. When both WidthPixels and HeightPixels parameters are provided, the image will be stretched to fit the specified aspect ratio. If only the WidthPixels parameter is provided or if only the HeightPixels is provided, a ValidationException will be thrown. If neither parameter is provided, the original image size from the stream will be returned.',
  'GetImagesInput.HeightPixels':
    'The height of the output image that is used in conjunction with the WidthPixels parameter. When both HeightPixels and WidthPixels parameters are provided, the image will be stretched to fit the specified aspect ratio. If only the HeightPixels parameter is provided, its original aspect ratio will be used to calculate the WidthPixels ratio. If neither parameter is provided, the original image size will be returned.',
  'GetImagesInput.MaxResults':
    'The maximum number of images to be returned by the API.\n\nThe default limit is 25 images per API response. Providing a MaxResults greater than this value will result in a page size of 25. Any additional results will be paginated.',
  'GetImagesInput.NextToken':
    'A token that specifies where to start paginating the next set of Images. This is the GetImages:NextToken from a previously truncated response.',
  'GetImagesOutput.Images':
    'The list of images generated from the video stream. If there is no media available for the given timestamp, the NO_MEDIA error will be listed in the output. If an error occurs while the image is being generated, the MEDIA_ERROR will be listed in the output as the cause of the missing image.',
  'GetImagesOutput.NextToken': 'The encrypted token that was used in the request to get more images.',
  'Image.TimeStamp':
    'An attribute of the Image object that is used to extract an image from the video stream. This field is used to manage gaps on images or to better understand the pagination window.',
  'Image.Error':
    'The error message shown when the image for the provided timestamp was not extracted due to a non-tryable error. An error will be returned if:\n\n* There is no media that exists for the specified Timestamp.\n\n* The media for the specified time does not allow an image to be extracted. In this case the media is audio only, or the incorrect media has been ingested.',
  'Image.ImageContent': 'An attribute of the Image object that is Base64 encoded.',
};
