package restartapp;

import org.springframework.stereotype.Service;

import dev.mp.spring.WorkerProcess;

@Service
public class Oracle {

	@WorkerProcess
	public Answer answer(Question question) {
		return new Answer(question.value() * 2, ProcessHandle.current().pid());
	}

}
