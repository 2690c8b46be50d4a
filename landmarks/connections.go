package landmarks

// HandConnections are the bones of MediaPipe's hand model, pairs of
// landmark indices (HAND_CONNECTIONS in MediaPipe's hands solution).
var HandConnections = [][2]int{
	{0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 5}, {5, 6}, {6, 7}, {7, 8},
	{5, 9}, {9, 10}, {10, 11}, {11, 12}, {9, 13}, {13, 14}, {14, 15}, {15, 16},
	{13, 17}, {0, 17}, {17, 18}, {18, 19}, {19, 20},
}

// PoseConnections are the arms, trunk and legs of MediaPipe's pose model,
// a subset of its POSE_CONNECTIONS without the face, hands and feet.
var PoseConnections = [][2]int{
	{11, 12}, {11, 13}, {13, 15}, {12, 14}, {14, 16}, {11, 23}, {12, 24},
	{23, 24}, {23, 25}, {25, 27}, {24, 26}, {26, 28},
}
